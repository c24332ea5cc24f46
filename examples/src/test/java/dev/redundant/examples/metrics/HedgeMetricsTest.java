package dev.redundant.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.testing.FlakyTool;
import dev.redundant.testing.FlakyTool.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Micrometer binding, driven by scripted calls through the public API. */
class HedgeMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void aFailoverThatWinsCountsOneFailedAndOneSucceededAttempt() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMinutes(1))
        .listener(new HedgeMetrics(registry, "p")).build();
    FlakyTool tool = FlakyTool.scripted(Step.fail(), Step.fast());

    hedge.call(() -> tool.fetch("q"));

    await().atMost(Duration.ofSeconds(10)).until(() -> count("redundant.calls", "outcome", "success") == 1);
    assertThat(count("redundant.attempts", "trigger", "first")).isEqualTo(1);
    assertThat(count("redundant.attempts", "trigger", "failover")).isEqualTo(1);
    assertThat(count("redundant.failovers", null, null)).isEqualTo(1);
    assertThat(count("redundant.attempts.ended", "outcome", "failed")).isEqualTo(1);
    assertThat(count("redundant.attempts.ended", "outcome", "succeeded")).isEqualTo(1);
    assertThat(count("redundant.hedges.started", null, null)).isZero();
    assertThat(registry.get("redundant.call.latency").tag("policy", "p").tag("outcome", "success").timer().count())
        .isEqualTo(1);
  }

  @Test
  void aHedgeThatWinsIsCountedAsStartedAndWonAndTheLoserAsCancelled() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .listener(new HedgeMetrics(registry, "p")).build();
    FlakyTool tool = FlakyTool.scripted(Step.hang(), Step.fast());

    hedge.call(() -> tool.fetch("q"));

    await().atMost(Duration.ofSeconds(10))
        .until(() -> count("redundant.attempts.ended", "outcome", "cancelled") == 1);
    assertThat(count("redundant.hedges.started", null, null)).isEqualTo(1);
    assertThat(count("redundant.hedges.won", null, null)).isEqualTo(1);
    assertThat(count("redundant.attempts", "trigger", "hedge")).isEqualTo(1);
  }

  @Test
  void aFailedCallIsCountedAndTimedAsAFailure() {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMinutes(1))
        .listener(new HedgeMetrics(registry, "p")).build();
    FlakyTool tool = FlakyTool.scripted(Step.fail(), Step.fail());

    assertThatThrownBy(() -> hedge.call(() -> tool.fetch("q"))).isInstanceOf(AllAttemptsFailedException.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> count("redundant.calls", "outcome", "failure") == 1);
    assertThat(count("redundant.attempts.ended", "outcome", "failed")).isEqualTo(2);
    assertThat(registry.get("redundant.call.latency").tag("outcome", "failure").timer().count()).isEqualTo(1);
  }

  @Test
  void prometheusTextCarriesThePolicyTag() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Hedge<String> hedge = Hedge.<String>builder().listener(new HedgeMetrics(prometheus, "quotes")).build();

    hedge.call(() -> "quote");

    await().atMost(Duration.ofSeconds(10)).until(() -> prometheus.scrape()
        .contains("redundant_calls_total{outcome=\"success\",policy=\"quotes\"} 1.0"));
    assertThat(prometheus.scrape()).contains("redundant_hedges_won_total{policy=\"quotes\"} 0.0");
  }

  @Test
  void invalidArgumentsAreRejectedByName() {
    assertThatThrownBy(() -> new HedgeMetrics(null, "p")).hasMessageContaining("registry");
    assertThatThrownBy(() -> new HedgeMetrics(registry, null)).hasMessageContaining("policy");
    assertThatThrownBy(() -> new HedgeMetrics(registry, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy");
  }

  private double count(String name, String tag, String value) {
    var search = registry.get(name).tag("policy", "p");
    return (tag == null ? search : search.tag(tag, value)).counter().count();
  }
}
