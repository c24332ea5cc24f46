package dev.redundant.examples.metrics;

import dev.redundant.AdaptiveDelay;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.examples.support.ConcurrentCalls;
import dev.redundant.testing.FlakyTool;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Comparator;

/**
 * Metrics for a closed-loop hedging policy (an adaptive delay and a budget): {@link HedgeMetrics} and its
 * statistics gauges on a {@link SimpleMeterRegistry} and a {@link PrometheusMeterRegistry} at once, after
 * 1,000 calls to the notebook's flaky tool (time-scaled by 0.01). Prints the simple registry's meters, the
 * policy's statistics, then the Prometheus text a scrape would return.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.metrics.MetricsExample
 * </pre>
 */
public final class MetricsExample {
  private MetricsExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CompositeMeterRegistry registry = new CompositeMeterRegistry();
    registry.add(simple);
    registry.add(prometheus);

    double timeScale = 0.01;
    FlakyTool tool = FlakyTool.builder().seed(42).timeScale(timeScale).build();
    // L = 0.15: above the tool's share of slow answers among its successes (10% of 80%), so the learnt
    // delay lands at the end of the fast answers, not among the slow ones. The fixed 1 s (scaled) applies
    // until the adaptive delay has seen its first 100 first attempts.
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(5)
        .delay(Duration.ofNanos(Math.round(1e9 * timeScale)))
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.15))
        .budget(HedgeBudget.builder().build())
        .listener(new HedgeMetrics(registry, "flaky-tool"))
        .build();
    HedgeMetrics.bindStatistics(hedge, "flaky-tool", registry);
    ConcurrentCalls.run(1000, 50, i -> {
      try {
        hedge.call(() -> tool.fetch("user-profile"));
      } catch (AllAttemptsFailedException e) {
        // counted by the metrics
      }
    });

    System.out.println("SimpleMeterRegistry:");
    simple.getMeters().stream()
        .sorted(Comparator.comparing((Meter m) -> m.getId().getName())
            .thenComparing(m -> m.getId().getTags().toString()))
        .forEach(m -> System.out.printf("  %s %s %s%n", m.getId().getName(), m.getId().getTags(), m.measure()));
    System.out.println();
    System.out.println("Hedge.statistics(): " + hedge.statistics());
    System.out.println();
    System.out.println("Prometheus scrape (histogram buckets left out):");
    prometheus.scrape().lines()
        .filter(line -> !line.contains("_bucket{"))
        .forEach(System.out::println);
  }
}
