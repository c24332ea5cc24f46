package dev.redundant.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.AdaptiveDelay;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.testing.FlakyTool;
import dev.redundant.testing.FlakyTool.Step;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Micrometer binding, driven by scripted calls through the public API. */
class HedgeMetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** The threads users call a policy from. */
  enum Caller {
    PLATFORM(Thread.ofPlatform().daemon().factory()),
    VIRTUAL(Thread.ofVirtual().factory());

    private final ThreadFactory factory;

    Caller(ThreadFactory factory) {
      this.factory = factory;
    }

    /** Runs {@code call} on a new thread of this kind; the future completes with its result or failure. */
    <T> CompletableFuture<T> start(Callable<T> call) {
      CompletableFuture<T> result = new CompletableFuture<>();
      factory.newThread(() -> {
        try {
          result.complete(call.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }).start();
      return result;
    }
  }

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
    // By attempt index, not by arrival: both attempts start at once, and either may reach a shared
    // script first.
    FlakyTool first = FlakyTool.scripted(Step.hang());
    FlakyTool hedged = FlakyTool.scripted(Step.fast());

    hedge.call(attempt -> (attempt.index() == 0 ? first : hedged).fetch("q"));

    await().atMost(Duration.ofSeconds(10))
        .until(() -> count("redundant.attempts.ended", "outcome", "cancelled") == 1
            && count("redundant.hedges.won", null, null) == 1); // events may follow the call's return
    assertThat(count("redundant.hedges.started", null, null)).isEqualTo(1);
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

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverTheBudgetDeniesIsCountedAsSkippedForTheBudget(Caller caller) {
    // One failover token and no way to earn more: the first failover takes it, the second is denied.
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).noHedging().budget(budget)
        .listener(new HedgeMetrics(registry, "p")).build();

    CompletableFuture<String> call = caller.start(() -> hedge.call(() -> {
      throw new IOException("down");
    }));

    assertEndedWithOneSkip(call, "budget");
    assertThat(count("redundant.failovers", null, null)).isEqualTo(1);
    assertThat(hedge.statistics().deniedByBudget()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverTooLateForTheDeadlineIsCountedAsSkippedForTheDeadline(Caller caller) {
    ManualTimeSource time = new ManualTimeSource();
    // The min clamp of 10 s keeps hedges out of the way: only the failover is judged against the deadline.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).timeout(Duration.ofMillis(150)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10).min(Duration.ofSeconds(10)))
        .listener(new HedgeMetrics(registry, "p")).build();
    for (int i = 0; i < 10; i++) { // a typical success takes 100 ms on the policy's clock
      assertThat(caller.start(() -> hedge.call(() -> {
        time.advance(Duration.ofMillis(100));
        return "learnt";
      }))).succeedsWithin(PATIENCE);
    }
    await().atMost(PATIENCE).until(() -> hedge.statistics().delayMode() == DelayMode.LEARNT);

    CompletableFuture<String> late = caller.start(() -> hedge.call(() -> {
      time.advance(Duration.ofMillis(60)); // fails when 90 ms are left: less than a typical 100 ms
      throw new IOException("late");
    }));

    assertEndedWithOneSkip(late, "deadline");
  }

  /** Checks that {@code call} failed with every attempt failed and one attempt skipped for {@code reason}. */
  private void assertEndedWithOneSkip(CompletableFuture<?> call, String reason) {
    assertThat(call).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(AllAttemptsFailedException.class);
    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "failure") == 1);
    assertThat(count("redundant.attempts.skipped", "reason", reason)).isEqualTo(1);
    assertThat(count("redundant.attempts.skipped", "reason", "budget")
        + count("redundant.attempts.skipped", "reason", "deadline")).as("skips of both reasons").isEqualTo(1);
  }

  @Test
  void skipCountersAreRegisteredBeforeTheFirstSkip() {
    new HedgeMetrics(registry, "p");

    assertThat(count("redundant.attempts.skipped", "reason", "budget")).isZero();
    assertThat(count("redundant.attempts.skipped", "reason", "deadline")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void statisticsGaugesReadTheCurrentDelayAndTheLoadOfThePolicy(Caller caller) {
    // A manual clock that nobody advances: the 250 ms delay never elapses, so no hedge starts.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(250))
        .timeSource(new ManualTimeSource()).build();
    HedgeMetrics.bindStatistics(hedge, "p", registry);
    assertThat(gauge("redundant.hedge.delay")).isEqualTo(250.0);
    assertThat(gauge("redundant.extra.load")).isZero();

    // Two calls: one fails over once (2 attempts), one succeeds at once (1 attempt): 1 extra per 2 calls.
    AtomicInteger attempts = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      assertThat(caller.start(() -> hedge.call(() -> {
        if (attempts.getAndIncrement() == 0) {
          throw new IOException("the first attempt fails");
        }
        return "answer";
      }))).succeedsWithin(PATIENCE);
    }

    await().atMost(PATIENCE).until(() -> hedge.statistics().successes() == 2);
    assertThat(gauge("redundant.extra.load")).isEqualTo(0.5);
    assertThat(gauge("redundant.hedge.rate")).isZero();
    assertThat(gauge("redundant.hedge.win.rate")).isZero();
    assertThat(registry.get("redundant.hedge.delay").gauge().getId().getBaseUnit()).isEqualTo("milliseconds");
  }

  @Test
  void theDelayGaugeIsNotANumberWhenNoHedgeWouldStart() {
    Hedge<String> failoverOnly = Hedge.<String>builder().noHedging().build();

    HedgeMetrics.bindStatistics(failoverOnly, "p", registry);

    assertThat(gauge("redundant.hedge.delay")).isNaN();
    assertThat(failoverOnly.statistics().currentDelay()).isEmpty();
  }

  @Test
  void statisticsGaugesAppearInPrometheusText() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Hedge<String> hedge = Hedge.<String>builder().delay(Duration.ofSeconds(1)).build();

    HedgeMetrics.bindStatistics(hedge, "quotes", prometheus);

    assertThat(prometheus.scrape()).contains("redundant_hedge_delay_milliseconds{policy=\"quotes\"} 1000.0")
        .contains("redundant_extra_load{policy=\"quotes\"} 0.0");
    assertThat(hedge.statistics().calls()).isZero();
  }

  @Test
  void bindStatisticsRejectsInvalidArgumentsByNameBeforeRegisteringAnything() {
    Hedge<String> hedge = Hedge.<String>builder().build();

    assertThatThrownBy(() -> HedgeMetrics.bindStatistics(null, "p", registry)).hasMessageContaining("hedge");
    assertThatThrownBy(() -> HedgeMetrics.bindStatistics(hedge, null, registry)).hasMessageContaining("policy");
    assertThatThrownBy(() -> HedgeMetrics.bindStatistics(hedge, " ", registry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy");
    assertThatThrownBy(() -> HedgeMetrics.bindStatistics(hedge, "p", null)).hasMessageContaining("registry");
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void invalidArgumentsAreRejectedByName() {
    assertThatThrownBy(() -> new HedgeMetrics(null, "p")).hasMessageContaining("registry");
    assertThatThrownBy(() -> new HedgeMetrics(registry, null)).hasMessageContaining("policy");
    assertThatThrownBy(() -> new HedgeMetrics(registry, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy");
  }

  private double gauge(String name) {
    return registry.get(name).tag("policy", "p").gauge().value();
  }

  private double count(String name, String tag, String value) {
    var search = registry.get(name).tag("policy", "p");
    return (tag == null ? search : search.tag(tag, value)).counter().count();
  }
}
