package dev.redundant.examples;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.testing.FlakyTool;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The notebook's experiment at scale: calls {@link FlakyTool} (20% of calls fail at once, 10% take 5-7 s,
 * 70% take 0.5-1.0 s) thousands of times in each of several ways, a single call, 2 and 3 attempts at once
 * and two hedging policies, and prints their success rates and latency percentiles as a Markdown table.
 *
 * <p>The tool's latencies and the hedge delays are scaled down ({@code --time-scale}) and many calls run
 * at once ({@code --concurrency}), so that the run takes seconds; the table reports latencies in the
 * tool's seconds, and a timing check tells how much the scaling distorts them.
 *
 * <pre>{@code
 * mvn -q -Pexperiment compile exec:java -Dexec.args="--calls 5000 --seed 42"
 * }</pre>
 */
public final class Experiment {
  /** FlakyTool's default failure rate, set explicitly since the theory depends on it. */
  private static final double FAILURE_RATE = 0.2;
  /** Calls per strategy made before measuring, so that class loading and JIT compilation do not count. */
  private static final int WARM_UP_CALLS = 1000;
  /** A measured success rate passes the check within this many points of theory. */
  private static final double TOLERANCE_POINTS = 1;
  /** Timing overheads, in the tool's seconds, above which scaling distorts the latencies (p50, p99). */
  private static final double OVERHEAD_P50_LIMIT = 0.01;
  private static final double OVERHEAD_P99_LIMIT = 0.1;

  private final Options options;
  private final LatencyChart chart;

  private Experiment(Options options) {
    this.options = options;
    this.chart = new LatencyChart(options.timeScale());
  }

  /** Writes the measured latencies as a PNG if {@code --chart FILE} was given. */
  private void writeChart() {
    if (options.chart() == null) {
      return;
    }
    try {
      chart.writePng(options.chart(), 1000, 620);
      System.err.println("  chart written to " + options.chart().toAbsolutePath());
    } catch (IOException e) {
      System.err.println("  could not write the chart to " + options.chart() + ": " + e);
    }
  }

  /**
   * One strategy's measurements.
   *
   * @param strategy the strategy
   * @param success the fraction of calls that succeeded
   * @param latency the latencies of all calls, failed ones included, in nanoseconds
   * @param attemptsPerCall attempts started per call
   * @param overhead of each successful call, its latency minus the planned latency of its winning
   *     attempt, in nanoseconds; null without successes
   */
  private record Row(
      Strategy strategy, double success, LatencyStats latency, double attemptsPerCall, LatencyStats overhead) {}

  /**
   * Runs the experiment; {@code --help} lists the options.
   *
   * @param args the options
   * @throws InterruptedException if interrupted while waiting for calls
   * @throws java.io.IOException if a scenario's JSON file cannot be written
   */
  public static void main(String[] args) throws InterruptedException, java.io.IOException {
    if (Arrays.asList(args).contains("--help")) {
      System.out.print(Options.USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("experiment: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.scenario() != null) {
      new ScenarioExperiment(options).run();
    } else {
      new Experiment(options).run();
    }
  }

  private void run() throws InterruptedException {
    printHeader();
    Strategy notebook = Strategy.allAtOnce("notebook: 2 at once", 2);
    Strategy hedged = Strategy.hedged(5, 1.0, options.timeScale());
    List<Strategy> strategies = List.of(Strategy.single(), notebook, Strategy.allAtOnce("3 at once", 3), hedged,
        Strategy.hedged(6, 0.8, options.timeScale()));
    int warmUpCalls = Math.min(options.calls(), WARM_UP_CALLS);
    System.err.printf("  warming up: %d calls per strategy%n", warmUpCalls);
    for (Strategy strategy : strategies) {
      measure(strategy, warmUpCalls, false);
    }
    List<Row> rows = new ArrayList<>();
    for (Strategy strategy : strategies) {
      rows.add(measure(strategy, options.calls(), true));
    }
    printTable(rows);
    writeChart();
    printLegend(rows);
    printInterpretation(rows.get(strategies.indexOf(hedged)), rows.get(strategies.indexOf(notebook)));
  }

  /** Makes {@code calls} calls the strategy's way on a tool of its own, {@code --concurrency} at a time. */
  private Row measure(Strategy strategy, int calls, boolean showProgress) throws InterruptedException {
    FlakyTool tool = FlakyTool.builder()
        .failureRate(FAILURE_RATE)
        .seed(options.seed())
        .timeScale(options.timeScale())
        .build();
    long[] latency = new long[calls];
    long[] overhead = new long[calls];
    boolean[] succeeded = new boolean[calls];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Callable<Void> caller = () -> {
      for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
        long start = System.nanoTime();
        try {
          String data = strategy.call().fetch(tool, "user-profile");
          latency[i] = System.nanoTime() - start;
          succeeded[i] = true;
          overhead[i] = latency[i] - tool.outcomeOf(callIndex(data)).scaledLatency().toNanos();
        } catch (ConnectException | AllAttemptsFailedException e) {
          latency[i] = System.nanoTime() - start;
        }
        done.incrementAndGet();
      }
      return null;
    };

    long start = System.nanoTime();
    ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<Void>> runs = new ArrayList<>();
    for (int c = 0; c < options.concurrency(); c++) {
      runs.add(callers.submit(caller));
    }
    callers.shutdown();
    while (!callers.awaitTermination(500, TimeUnit.MILLISECONDS)) {
      if (showProgress) {
        System.err.printf("\r  %s: %d/%d", strategy.name(), done.get(), calls);
      }
    }
    for (Future<Void> run : runs) {
      try {
        run.get(); // also makes the callers' writes visible to this thread
      } catch (ExecutionException e) {
        throw new IllegalStateException(strategy.name() + ": a call failed unexpectedly", e.getCause());
      }
    }
    if (showProgress) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      System.err.printf("\r  %s: %d/%d in %.1f s%n", strategy.name(), calls, calls, elapsed);
    }

    int successes = 0;
    for (int i = 0; i < calls; i++) {
      if (succeeded[i]) {
        overhead[successes++] = overhead[i];
      }
    }
    LatencyStats overheads = successes == 0 ? null : new LatencyStats(Arrays.copyOf(overhead, successes));
    if (showProgress) {
      chart.add(strategy.name(), latency);
    }
    return new Row(strategy, (double) successes / calls, new LatencyStats(latency), (double) tool.calls() / calls,
        overheads);
  }

  /** The index of the tool call that returned {@code data}, which reads "Data for 'query' from call i". */
  private static long callIndex(String data) {
    return Long.parseLong(data, data.lastIndexOf(' ') + 1, data.length(), 10);
  }

  private void printHeader() {
    System.out.printf("""
        # Redundant calls vs hedging on the notebook's flaky tool

        - tool: FlakyTool, %.0f%% of calls fail at once, 10%% take 5-7 s, 70%% take 0.5-1.0 s
        - calls: %d per strategy, after %d to warm up; seed: %d, the same for every strategy's tool
        - time scale: %s, a second of the tool lasts %s ms
        - concurrency: %d virtual threads, each making calls in a loop
        - JDK %s (%s), %d CPUs

        """, FAILURE_RATE * 100, options.calls(), Math.min(options.calls(), WARM_UP_CALLS), options.seed(),
        options.timeScale(), BigDecimal.valueOf(options.timeScale() * 1000).stripTrailingZeros().toPlainString(),
        options.concurrency(), System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
        Runtime.getRuntime().availableProcessors());
    System.out.flush(); // before the progress on stderr
  }

  private void printTable(List<Row> rows) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"strategy", "success measured", "success in theory", "p50", "p90", "p99", "p99.9",
        "max", "attempts/call", "measured vs theory"});
    for (Row row : rows) {
      double theory = row.strategy().successInTheory(FAILURE_RATE);
      double diffPoints = (row.success() - theory) * 100;
      LatencyStats latency = row.latency();
      lines.add(new String[] {row.strategy().name(), percent(row.success()), percent(theory),
          seconds(latency.percentile(50)), seconds(latency.percentile(90)), seconds(latency.percentile(99)),
          seconds(latency.percentile(99.9)), seconds(latency.max()), String.format("%.2f", row.attemptsPerCall()),
          String.format("%s (%+.2f points)", Math.abs(diffPoints) <= TOLERANCE_POINTS ? "ok" : "WARN", diffPoints)});
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int c = 0; c < line.length; c++) {
        widths[c] = Math.max(widths[c], line[c].length());
      }
    }
    String[] rule = new String[widths.length]; // first column aligned left, the others right
    for (int c = 0; c < widths.length; c++) {
      rule[c] = c == 0 ? ":" + "-".repeat(widths[c] - 1) : "-".repeat(widths[c] - 1) + ":";
    }
    lines.add(1, rule);
    for (String[] line : lines) {
      StringBuilder sb = new StringBuilder("|");
      for (int c = 0; c < line.length; c++) {
        String padding = " ".repeat(widths[c] - line[c].length());
        sb.append(' ').append(c == 0 ? line[c] + padding : padding + line[c]).append(" |");
      }
      System.out.println(sb);
    }
  }

  private void printLegend(List<Row> rows) {
    System.out.printf("""

        - success in theory: 1 - %s^n, n = max attempts. A call fails only when all its attempts fail, each
          independently; a hedged call too, since every failure starts the next attempt at once.
        - p50 to max: a call's latency from its start to its return, over all calls, failed ones included
          (at the time their failure was reported), in the tool's seconds (measured time / time scale).
        - attempts/call: attempts started (tool calls) per call, the load on the tool.
        - measured vs theory: ok when the measured success is within %.0f point of theory.
        - timing check: a call's latency minus the planned latency of its winning attempt, p50 / p99, for the
          strategies that start every attempt at once; ok up to +%s / +%s s, small next to the tool's
          shortest call, 0.5 s:
        """, FAILURE_RATE, TOLERANCE_POINTS, OVERHEAD_P50_LIMIT, OVERHEAD_P99_LIMIT);
    boolean distorted = false;
    for (Row row : rows) {
      if (row.strategy().delaySeconds() == 0 && row.overhead() != null) {
        double p50 = toolSeconds(row.overhead().percentile(50));
        double p99 = toolSeconds(row.overhead().percentile(99));
        boolean ok = p50 <= OVERHEAD_P50_LIMIT && p99 <= OVERHEAD_P99_LIMIT;
        distorted |= !ok;
        System.out.printf("  - %s: %+.3f / %+.3f s, %s%n", row.strategy().name(), p50, p99, ok ? "ok" : "WARN");
      }
    }
    if (distorted) {
      System.out.println("  - WARN: scaling distorts the latencies; lower --concurrency or raise --time-scale");
    }
  }

  private void printInterpretation(Row hedged, Row notebook) {
    double hedgedP99 = toolSeconds(hedged.latency().percentile(99));
    double notebookP99 = toolSeconds(notebook.latency().percentile(99));
    List<String> better = new ArrayList<>();
    List<String> worse = new ArrayList<>();
    (hedged.success() > notebook.success() ? better : worse).add("success");
    (hedgedP99 < notebookP99 ? better : worse).add("tail latency");
    (hedged.attemptsPerCall() < notebook.attemptsPerCall() ? better : worse).add("load");
    System.out.printf("%n%s vs %s: success %s vs %s, p99 %.2f s vs %.2f s, %.2f vs %.2f attempts/call: %s.%n",
        hedged.strategy().name(), notebook.strategy().name(), percent(hedged.success()), percent(notebook.success()),
        hedgedP99, notebookP99, hedged.attemptsPerCall(), notebook.attemptsPerCall(),
        worse.isEmpty()
            ? "hedging is better on success, tail latency and load at once"
            : "hedging is better on " + (better.isEmpty() ? "nothing" : String.join(", ", better))
                + ", worse on " + String.join(", ", worse));
  }

  private double toolSeconds(long nanos) {
    return nanos / 1e9 / options.timeScale();
  }

  private String seconds(long nanos) {
    return String.format("%.2f s", toolSeconds(nanos));
  }

  private static String percent(double fraction) {
    return String.format("%.2f%%", fraction * 100);
  }
}
