package dev.redundant.examples;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs the scenarios of issues 10 and 16 against the real library ({@code --scenario NAME} or {@code all}):
 * for each, every policy at once, each with a dependency of its own and the same seeded arrivals (S7a:
 * closed-loop callers of its own), in real time (time-scaled for S1, S1d and S7b). Prints a Markdown table per scenario, the fixed-delay frontier with
 * {@code --sweep}, and writes every row as JSON with {@code --json FILE}.
 */
final class ScenarioExperiment {
  private final Options options;

  ScenarioExperiment(Options options) {
    this.options = options;
  }

  /**
   * Runs the chosen scenarios.
   *
   * @throws InterruptedException if interrupted
   * @throws IOException if the JSON file cannot be written
   */
  void run() throws InterruptedException, IOException {
    List<Scenario> scenarios = options.scenario().equalsIgnoreCase("all")
        ? List.of(Scenario.values()) : List.of(Scenario.byId(options.scenario()));
    System.out.printf("""
        # Hedging scenarios against the real library

        - seed %d; %s s of arrivals measured per scenario (real time), after %.0f s of warm-up;%s
        - JDK %s (%s), %d CPUs
        - latencies: from each call's start to its end, failed calls included at their failure or timeout,
          in the scenario's time (real time / time scale); calls start on a schedule (Poisson arrivals at
          the scenario's rate; S7a: closed-loop callers), and the timing check says how late their threads
          started (S7a: how late a probe thread's 1 ms sleeps ended)

        """, options.seed(), fmt(options.seconds()), OpenLoopRun.WARM_UP_REAL_SECONDS,
        options.sweep() ? " with the fixed-delay sweep" : "", System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"), Runtime.getRuntime().availableProcessors());
    List<StrategyResult> all = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      all.addAll(runScenario(scenario));
    }
    if (options.json() != null) {
      JsonRows.write(options.json(), all);
      System.out.printf("%nWrote %d rows to %s%n", all.size(), options.json());
    }
  }

  private List<StrategyResult> runScenario(Scenario scenario) throws InterruptedException {
    double measuredSeconds = options.seconds() / scenario.timeScale();
    Timeline timeline = scenario.timeline(measuredSeconds);
    System.out.printf("## %s: %s%n%n- %s, time scale %s, %s scenario seconds measured%s%n",
        scenario.id(), scenario.description(), scenario.loadText(), fmt(scenario.timeScale()),
        fmt(measuredSeconds), phasesText(timeline));
    List<ScenarioPolicy> policies = ScenarioPolicy.of(scenario, options.sweep());
    System.out.flush();
    List<ScenarioRun> runs = new ArrayList<>();
    for (ScenarioPolicy policy : policies) {
      runs.add(scenario.closedLoop() ? new ClosedLoopRun(scenario, policy, timeline, options.seed())
          : new OpenLoopRun(scenario, policy, timeline, options.seed()));
    }
    long origin = System.nanoTime() + Math.round(OpenLoopRun.WARM_UP_REAL_SECONDS * 1e9) + 200_000_000L;
    long started = System.nanoTime();
    for (ScenarioRun run : runs) {
      run.start(origin);
    }
    List<StrategyResult> rows = new ArrayList<>();
    List<long[]> lags = new ArrayList<>();
    for (ScenarioRun run : runs) {
      run.await();
      rows.addAll(run.results());
      lags.add(run.startLagNanos());
      String load = run.load();
      if (load != null) {
        System.out.printf("- %s%s: %s%n", run.policy().policy(), delayText(scenario, run.policy().delayMs()), load);
      }
    }
    System.err.printf("  %s: %d policies in %.1f s%n", scenario.id(), runs.size(), (System.nanoTime() - started) / 1e9);
    printLag(scenario, runs.get(0).lagText(), lags);
    System.out.println();
    printTable(scenario, rows);
    printShares(rows);
    if (options.sweep()) {
      printFrontier(scenario, timeline, rows);
    }
    System.out.println();
    return rows;
  }

  private static String phasesText(Timeline timeline) {
    if (timeline.starts().isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder("; phases by start time:");
    for (Timeline.PhaseStart start : timeline.starts()) {
      text.append(' ').append(start.phase().label()).append(" from ").append(fmt(start.atSeconds())).append(" s,");
    }
    return text.substring(0, text.length() - 1);
  }

  /** How late the calls' threads started: the load on this machine distorts latencies by about this much. */
  private static void printLag(Scenario scenario, String what, List<long[]> lags) {
    long[] merged = lags.stream().flatMapToLong(Arrays::stream).toArray();
    if (merged.length == 0) {
      return;
    }
    LatencyStats stats = new LatencyStats(merged);
    System.out.printf("- timing check: %s p50 %s / p99 %s (scenario time)%n", what,
        latency(scenario, stats.percentile(50) / 1e6 / scenario.timeScale()),
        latency(scenario, stats.percentile(99) / 1e6 / scenario.timeScale()));
  }

  private static void printTable(Scenario scenario, List<StrategyResult> rows) {
    System.out.println("| policy | phase | delay | calls | success | p50 | p99 | p99.9 | attempts/call | hedges/call"
        + " | failovers/call |");
    System.out.println("|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for (StrategyResult row : rows) {
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s | %s | %.3f | %.3f | %.3f |%n", row.policy(),
          row.phase().label(), row.delayMs() == null ? "" : delayText(scenario, row.delayMs()).strip(), row.calls(),
          Double.isNaN(row.success()) ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * row.success()),
          latency(scenario, row.percentileMs(50)), latency(scenario, row.percentileMs(99)),
          latency(scenario, row.percentileMs(99.9)), row.attemptsPerCall(), row.hedgesPerCall(),
          row.failoversPerCall());
    }
  }

  /** The share of first attempts each replica received, per row, where there are replicas (S8). */
  private static void printShares(List<StrategyResult> rows) {
    boolean header = false;
    for (StrategyResult row : rows) {
      double[] shares = row.primaryShare();
      if (shares.length == 0 || row.phase() == Phase.ALL) {
        continue;
      }
      if (!header) {
        System.out.printf("%n- first attempts per replica (share by replica 0..%d):%n", shares.length - 1);
        header = true;
      }
      StringBuilder line = new StringBuilder();
      for (double share : shares) {
        line.append(String.format(Locale.ROOT, " %.1f%%", 100 * share));
      }
      System.out.printf("  - %s%s, %s:%s%n", row.policy(), row.delayMs() == null ? "" : " " + fmt(row.delayMs()) + " ms",
          row.phase().label(), line);
    }
  }

  /**
   * The frontier per phase: the best p99 of the fixed rows and {@code failover-only} (the limit of an
   * infinite delay) at each load. Not {@code none}: where attempts fail it makes one attempt and fails the
   * call, a policy outside the family, whose fast failures would count as fast calls.
   */
  private static void printFrontier(Scenario scenario, Timeline timeline, List<StrategyResult> rows) {
    for (Phase phase : timeline.reported()) {
      List<Frontier.Point> points = new ArrayList<>();
      List<StrategyResult> compared = new ArrayList<>();
      for (StrategyResult row : rows) {
        if (row.phase() != phase) {
          continue;
        }
        if (row.policy().equals("fixed") || row.policy().equals("failover-only")) {
          points.add(new Frontier.Point(row.attemptsPerCall(), row.percentileMs(99)));
        } else if (row.policy().equals("adaptive") || row.policy().equals("replica-aware")
            || row.policy().equals("oracle")) {
          compared.add(row);
        }
      }
      Frontier frontier = new Frontier(points);
      StringBuilder line = new StringBuilder();
      for (Frontier.Point p : frontier.points()) {
        line.append(String.format(Locale.ROOT, " %.3f -> %s;", p.attemptsPerCall(), latency(scenario, p.p99Ms())));
      }
      System.out.printf("%n- fixed-delay frontier, %s (attempts/call -> p99):%s%n", phase.label(), line);
      for (StrategyResult adaptive : compared) {
        String name = adaptive.policy();
        double load = adaptive.attemptsPerCall();
        double p99 = frontier.p99At(load);
        String cheaper = load < frontier.cheapestLoad() ? String.format(Locale.ROOT,
            " (fewer attempts than any fixed delay makes: the cheapest one's, at %.3f)", frontier.cheapestLoad()) : "";
        System.out.printf(Locale.ROOT, "  - at the %s row's %.3f attempts/call: frontier p99 %s%s, %s p99 %s%s%n",
            name, load, Double.isNaN(p99) ? "outside the swept range" : latency(scenario, p99), cheaper, name,
            latency(scenario, adaptive.percentileMs(99)),
            Double.isNaN(p99) ? "" : String.format(Locale.ROOT, " (%+.1f%%, %.2fx)", 100 * (adaptive.percentileMs(99) / p99 - 1),
                adaptive.percentileMs(99) / p99));
      }
    }
  }

  private static String delayText(Scenario scenario, Double delayMs) {
    return delayMs == null ? "" : " " + latency(scenario, delayMs);
  }

  private static String latency(Scenario scenario, double ms) {
    if (Double.isNaN(ms)) {
      return "";
    }
    return scenario.inSeconds() ? String.format(Locale.ROOT, "%.2f s", ms / 1000)
        : String.format(Locale.ROOT, "%.1f ms", ms);
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
  }
}
