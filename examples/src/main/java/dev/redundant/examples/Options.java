package dev.redundant.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@link Experiment}'s command-line options.
 *
 * @param calls calls per strategy
 * @param seed the seed of every strategy's tool
 * @param timeScale the factor applied to every latency of the tool and every hedge delay
 * @param concurrency how many callers make calls at the same time
 * @param chart where to write the latency chart (a PNG), or null for none
 * @param scenario the scenario to run ({@code S1} ... {@code S7b} or {@code all}), or null for the
 *     notebook comparison
 * @param sweep whether scenarios add fixed-delay rows over a range of delays
 * @param json where scenarios write their rows as JSON, or null
 * @param seconds real seconds of arrivals measured per scenario
 */
record Options(int calls, long seed, double timeScale, int concurrency, Path chart, String scenario, boolean sweep,
    Path json, double seconds) {
  /**
   * The default concurrency per unit of time scale: 200 callers at the default scale 0.1. Keeping the
   * rate of calls constant keeps the CPU load, and so the timing overhead, the same at any scale.
   */
  private static final int CALLERS_PER_UNIT_SCALE = 2000;

  static final String USAGE = """
      Usage: mvn -q -Pexperiment compile exec:java -Dexec.args="[options]"

      Calls FlakyTool (20% of calls fail at once, 10% take 5-7 s, 70% take 0.5-1.0 s) in five ways: a
      single call; 2 and 3 attempts at once (Redundant.firstSuccess); a Hedge of at most 5 attempts with a
      1 s delay, and one of at most 6 with a 0.8 s delay. Each way calls a tool of its own, built with the
      same seed. Prints success rates, latency percentiles and attempts per call as a Markdown table on
      stdout, progress on stderr.

      Options:
        --calls N          calls per strategy, 1 to 10000000, after up to 1000 to warm up (default 5000)
        --seed S           seed of the tools, any long (default: random, printed in the header)
        --time-scale X     factor applied to every latency of the tool and every hedge delay, in (0, 1]
                           (default 0.1: a second of the tool lasts 100 ms)
        --concurrency C    callers making calls at the same time, each a virtual thread calling in a
                           loop, 1 to 10000 (default 2000 x the time scale, so 200 at the default
                           scale: about 1800 calls per second, whatever the scale)
        --chart FILE       also write a PNG of each strategy's latency distribution to FILE
                           (survival curve, log time axis, p99 marked; see LatencyChart)
        --help             print this help and exit

      Scenarios (issues 10 and 16; shared/hedging-effectiveness.md), against the real library:
        --scenario NAME    S1, S1d, S2, S3, S5a, S5b, S6a, S6b, S7a, S7b, or all: compares no hedging
                           (none), 2 at once (notebook; not on S7a/S7b), the simulation's fixed delay
                           (fixed) and the adaptive policy (adaptive; S1d also adaptive-no-deadline;
                           S6a/S6b also adaptive-default-budget; S7a/S7b also adaptive-no-budget) under
                           open-loop arrivals at the scenario's rate (S7a: 200 closed-loop callers;
                           S7b: 300 calls at once, then 20 a second); prints success, p50, p99, p99.9,
                           attempts, hedges and failovers per call, per phase where the scenario has
                           phases. --calls, --time-scale and --concurrency do not apply; --seed does
        --sweep            with --scenario: more fixed-delay rows, and the fixed-delay frontier
        --json FILE        with --scenario: write every row to FILE as a JSON array
        --seconds S        with --scenario: real seconds of arrivals measured per scenario, 30 to 3600
                           (default 60; each scenario takes about S + 5 s)
      """;

  /**
   * Parses the options; those not given keep their defaults.
   *
   * @param args the arguments, as {@code --name value} or {@code --name=value}
   * @return the options
   * @throws IllegalArgumentException naming the option, if an option is unknown, lacks its value or
   *     has an invalid one
   */
  static Options parse(String... args) {
    int calls = 5000;
    long seed = ThreadLocalRandom.current().nextLong();
    double timeScale = 0.1;
    int concurrency = 0; // 0: not given
    Path chart = null;
    String scenario = null;
    boolean sweep = false;
    Path json = null;
    double seconds = 60;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--sweep")) {
        sweep = true;
        continue;
      }
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + " needs a value (see --help)");
      }
      switch (name) {
        case "--calls" -> calls = intIn(name, value, 1, 10_000_000);
        case "--seed" -> seed = seed(value);
        case "--time-scale" -> timeScale = timeScale(value);
        case "--concurrency" -> concurrency = intIn(name, value, 1, 10_000);
        case "--chart" -> chart = chart(value);
        case "--scenario" -> scenario = scenario(value);
        case "--json" -> json = jsonFile(value);
        case "--seconds" -> seconds = intIn(name, value, 30, 3600);
        case "--sweep" -> throw new IllegalArgumentException("--sweep takes no value, was '" + value + "'");
        default -> throw new IllegalArgumentException("unknown option " + name + " (see --help)");
      }
    }
    if (concurrency == 0) {
      concurrency = (int) Math.max(1, Math.round(CALLERS_PER_UNIT_SCALE * timeScale));
    }
    if (scenario == null && (sweep || json != null)) {
      throw new IllegalArgumentException("--sweep and --json need --scenario (see --help)");
    }
    return new Options(calls, seed, timeScale, concurrency, chart, scenario, sweep, json, seconds);
  }

  private static String scenario(String value) {
    return value.strip().equalsIgnoreCase("all") ? "all" : Scenario.byId(value).id();
  }

  private static Path jsonFile(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--json needs a file name");
    }
    Path file = Path.of(value.strip()).toAbsolutePath();
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir) || Files.isDirectory(file)) {
      throw new IllegalArgumentException("--json must name a file in a writable directory, was '" + value + "'");
    }
    return file;
  }

  private static Path chart(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--chart needs a file name");
    }
    return Path.of(value);
  }

  private static int intIn(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + " must be an integer from " + min + " to " + max + ", was '" + value + "'");
  }

  private static long seed(String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--seed must be an integer (a long), was '" + value + "'");
    }
  }

  private static double timeScale(String value) {
    try {
      double x = Double.parseDouble(value.strip());
      if (x > 0 && x <= 1) {
        return x;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--time-scale must be a number in (0, 1], was '" + value + "'");
  }
}
