package dev.redundant.examples.metrics;

import dev.redundant.AdaptiveDelay;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeStatistics;
import dev.redundant.examples.support.ConcurrentCalls;
import dev.redundant.examples.support.ExampleArgs;
import dev.redundant.micrometer.HedgeMetrics;
import dev.redundant.testing.FlakyTool;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Metrics for a closed-loop hedging policy (an adaptive delay and a budget), with the library's
 * {@link HedgeMetrics} on a {@link SimpleMeterRegistry} and a {@link PrometheusMeterRegistry} at once: calls
 * to the notebook's flaky tool (time-scaled by 0.05) in rounds. After each round it reads
 * {@link Hedge#statistics()} and prints whether hedging paid in that round: the share of calls a hedge
 * won, and how long their first attempt had been running when it did, next to the first attempts' median
 * and the delay. Then the meters, the statistics, and the Prometheus text a scrape would return.
 * {@code --chart FILE} draws the rounds as a PNG ({@link HedgeWinChart}).
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.metrics.MetricsExample
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.metrics.MetricsExample \
 *     -Dexec.args="--calls 4000 --rounds 20 --chart examples/hedge-wins.png"
 * </pre>
 */
public final class MetricsExample {
  static final double TIME_SCALE = 0.05;

  private MetricsExample() {}

  /**
   * One round of calls, from the difference of two statistics snapshots.
   *
   * @param round 1, 2, ...
   * @param calls calls in the round
   * @param hedgeWinShare share of the round's calls that a hedge won
   * @param firstAttemptAtHedgeWin mean time (tool's seconds) the first attempt had been running when a hedge
   *     won; empty if no hedge won in the round
   * @param firstAttemptP50 the first attempts' median at the end of the round (tool's seconds), if known
   * @param delay the hedge delay at the end of the round (tool's seconds), if any
   */
  record Round(int round, long calls, double hedgeWinShare, OptionalDouble firstAttemptAtHedgeWin,
      OptionalDouble firstAttemptP50, OptionalDouble delay) {}

  /**
   * What a run produced.
   *
   * @param rounds the rounds, in order
   * @param statistics the policy's statistics at the end
   * @param simple the simple registry, for printing
   * @param prometheusText the Prometheus scrape at the end
   */
  record Run(List<Round> rounds, HedgeStatistics statistics, SimpleMeterRegistry simple, String prometheusText) {}

  /**
   * Runs the example.
   *
   * @param args {@code --calls N} (default 2000), {@code --rounds N} (default 10), {@code --chart FILE}
   * @throws InterruptedException if interrupted
   * @throws IOException if the chart cannot be written
   */
  public static void main(String[] args) throws InterruptedException, IOException {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("--calls", "2000");
    defaults.put("--rounds", "10");
    defaults.put("--chart", "");
    ExampleArgs options = ExampleArgs.parse(args, defaults);
    int rounds = options.intIn("--rounds", 1, 1000);
    Run run = run(Math.max(rounds, options.intIn("--calls", 1, 10_000_000)), rounds);

    System.out.println("Does hedging pay? Per round (times in the tool's seconds):");
    System.out.println(roundsTable(run.rounds()));
    System.out.println("SimpleMeterRegistry:");
    run.simple().getMeters().stream()
        .sorted(Comparator.comparing((Meter m) -> m.getId().getName())
            .thenComparing(m -> m.getId().getTags().toString()))
        .forEach(m -> System.out.printf("  %s %s %s%n", m.getId().getName(), m.getId().getTags(), m.measure()));
    System.out.println();
    System.out.println("Hedge.statistics(): " + run.statistics());
    System.out.println();
    System.out.println("Prometheus scrape (histogram buckets left out):");
    run.prometheusText().lines().filter(line -> !line.contains("_bucket{")).forEach(System.out::println);
    String chart = options.text("--chart");
    if (!chart.isEmpty()) {
      HedgeWinChart.write(run.rounds(), Path.of(chart), 900, 600);
      System.out.println();
      System.out.println("Wrote " + chart);
    }
  }

  /** Makes {@code calls} calls in {@code rounds} rounds on a new policy bound to both registries. */
  static Run run(int calls, int rounds) throws InterruptedException {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    registry.add(simple);
    registry.add(prometheus);

    FlakyTool tool = FlakyTool.builder().seed(42).timeScale(TIME_SCALE).build();
    // L = 0.15: above the tool's share of slow answers among its successes (10% of 80%), so the learnt
    // delay lands at the end of the fast answers, not among the slow ones. The fixed 1 s (scaled) applies
    // until the adaptive delay has seen its first 100 first attempts.
    HedgeMetrics metrics = new HedgeMetrics(registry, "flaky-tool");
    Hedge<String> hedge = metrics.bind(Hedge.<String>builder()
        .maxAttempts(5)
        .delay(Duration.ofNanos(Math.round(1e9 * TIME_SCALE)))
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.15))
        .budget(HedgeBudget.builder().build())
        .listener(metrics)
        .build());

    List<Round> done = new ArrayList<>();
    HedgeStatistics before = hedge.statistics();
    for (int r = 1; r <= rounds; r++) {
      int inRound = calls / rounds + (r <= calls % rounds ? 1 : 0);
      ConcurrentCalls.run(inRound, 50, i -> {
        try {
          hedge.call(() -> tool.fetch("user-profile"));
        } catch (AllAttemptsFailedException e) {
          // counted by the metrics
        }
      });
      HedgeStatistics after = hedge.statistics();
      done.add(round(r, before, after));
      before = after;
    }
    return new Run(done, hedge.statistics(), simple, prometheus.scrape());
  }

  /** The round between two snapshots: deltas of the cumulative counts, as a dashboard computes rates. */
  static Round round(int round, HedgeStatistics before, HedgeStatistics after) {
    long calls = after.calls() - before.calls();
    long won = after.hedgesWon() - before.hedgesWon();
    Duration time = after.firstAttemptTimeAtHedgeWins().minus(before.firstAttemptTimeAtHedgeWins());
    return new Round(round, calls, calls == 0 ? 0 : (double) won / calls,
        won == 0 ? OptionalDouble.empty() : OptionalDouble.of(toolSeconds(time.dividedBy(won))),
        after.latency().p50().map(d -> OptionalDouble.of(toolSeconds(d))).orElse(OptionalDouble.empty()),
        after.currentDelay().map(d -> OptionalDouble.of(toolSeconds(d))).orElse(OptionalDouble.empty()));
  }

  private static double toolSeconds(Duration d) {
    return d.toNanos() / 1e9 / TIME_SCALE;
  }

  /** The rounds as a Markdown table. */
  static String roundsTable(List<Round> rounds) {
    StringBuilder table = new StringBuilder(
        "| round | calls | won by a hedge | first attempt at a hedge win (mean) | first attempts' p50 | delay |\n"
            + "|--:|--:|--:|--:|--:|--:|\n");
    for (Round r : rounds) {
      table.append(String.format(Locale.ROOT, "| %d | %d | %.1f%% | %s | %s | %s |%n", r.round(), r.calls(),
          100 * r.hedgeWinShare(), seconds(r.firstAttemptAtHedgeWin()), seconds(r.firstAttemptP50()),
          seconds(r.delay())));
    }
    return table.toString();
  }

  private static String seconds(OptionalDouble s) {
    return s.isPresent() ? String.format(Locale.ROOT, "%.2f s", s.getAsDouble()) : "-";
  }
}
