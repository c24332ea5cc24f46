package dev.redundant.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.AdaptiveDelay;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeBuilder;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeTimeoutException;
import dev.redundant.testing.ManualTimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shipped Micrometer binding, driven by calls through the public API on a manual clock. */
class HedgeMetricsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HedgeMetrics metrics = new HedgeMetrics(registry, "p");

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

  /** Blocks until interrupted: an attempt that never answers. */
  private static String hang() throws InterruptedException {
    new CountDownLatch(1).await();
    throw new AssertionError("unreachable");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHedgeThatWinsIsCountedStartedAndWonItsLoserCancelledAndItsFirstAttemptTimed(Caller caller)
      throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(100))
        .timeSource(time));
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch hedgeStarted = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);

    CompletableFuture<String> call = caller.start(() -> hedge.call(attempt -> {
      if (attempt.index() == 0) {
        firstStarted.countDown();
        return hang();
      }
      hedgeStarted.countDown();
      answer.await();
      return "hedge";
    }));
    assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
    time.awaitParkedUntil(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100)); // the hedge starts
    assertThat(hedgeStarted.await(30, TimeUnit.SECONDS)).isTrue();
    time.advance(Duration.ofMillis(50)); // and wins 150 ms into the call
    answer.countDown();

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("hedge");
    await().atMost(PATIENCE).until(() -> count("redundant.attempts.ended", "outcome", "cancelled") == 1
        && count("redundant.calls", "outcome", "succeeded") == 1); // events may follow the call's return
    assertThat(count("redundant.hedges.started")).isEqualTo(1);
    assertThat(count("redundant.hedges.won")).isEqualTo(1);
    assertThat(count("redundant.attempts", "trigger", "first")).isEqualTo(1);
    assertThat(count("redundant.attempts", "trigger", "hedge")).isEqualTo(1);
    assertThat(count("redundant.attempts.ended", "outcome", "succeeded")).isEqualTo(1);
    assertThat(registry.get("redundant.call.latency").tag("policy", "p").tag("succeeded", "true").timer()
        .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(150);
    assertThat(gauge("redundant.hedge.win.share")).isEqualTo(1.0);
    assertThat(gauge("redundant.hedge.win.rate")).isEqualTo(1.0);
    FunctionTimer firstAttempt = registry.get("redundant.hedge.win.first.attempt").tag("policy", "p")
        .functionTimer();
    assertThat(firstAttempt.count()).isEqualTo(1);
    assertThat(firstAttempt.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(150);
  }

  @Test
  void aFailoverThatWinsCountsOneFailedAndOneSucceededAttempt() throws Exception {
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMinutes(1))
        );

    hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw new IOException("down");
      }
      return "failover";
    });

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "succeeded") == 1);
    assertThat(count("redundant.attempts", "trigger", "first")).isEqualTo(1);
    assertThat(count("redundant.attempts", "trigger", "failover")).isEqualTo(1);
    assertThat(count("redundant.failovers")).isEqualTo(1);
    assertThat(count("redundant.attempts.ended", "outcome", "failed")).isEqualTo(1);
    assertThat(count("redundant.attempts.ended", "outcome", "succeeded")).isEqualTo(1);
    assertThat(count("redundant.hedges.started")).isZero();
    assertThat(count("redundant.hedges.won")).isZero();
  }

  @Test
  void everyAttemptFailingIsCountedAndTimedAsAFailure() {
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMinutes(1))
        );

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new IOException("down");
    })).isExactlyInstanceOf(AllAttemptsFailedException.class);

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "all_failed") == 1);
    assertThat(count("redundant.attempts.ended", "outcome", "failed")).isEqualTo(2);
    assertThat(registry.get("redundant.call.latency").tag("succeeded", "false").timer().count()).isEqualTo(1);
  }

  @Test
  void aFatalFailureIsCountedAsFatal() {
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(3).fatalOn(IllegalArgumentException.class)
        );

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new IllegalArgumentException("bad symbol");
    })).isInstanceOf(FatalFailureException.class);

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "fatal") == 1);
    assertThat(count("redundant.attempts", "trigger", "failover")).isZero();
    assertThat(count("redundant.attempts.ended", "outcome", "failed")).isEqualTo(1);
    assertThat(count("redundant.calls", "outcome", "all_failed")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aCallTimeoutIsCountedAsTimedOutAndItsAttemptAsCancelled(Caller caller) {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(2).noHedging().timeout(Duration.ofSeconds(1))
        .timeSource(time));

    CompletableFuture<String> call = caller.start(() -> hedge.call(attempt -> hang()));
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));

    assertThat(call).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(HedgeTimeoutException.class);
    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "timed_out") == 1);
    assertThat(count("redundant.attempts.ended", "outcome", "cancelled")).isEqualTo(1);
    assertThat(registry.get("redundant.call.latency").tag("succeeded", "false").timer()
        .totalTime(TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void anAttemptTimeoutIsCountedAsATimedOutAttempt() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(2).noHedging()
        .attemptTimeout(Duration.ofSeconds(1)).timeSource(time));

    CompletableFuture<String> call = hedge.callAsync(attempt -> attempt.index() == 0 ? hang() : "second");
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("second");
    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "succeeded") == 1);
    assertThat(count("redundant.attempts.ended", "outcome", "timed_out")).isEqualTo(1);
    assertThat(count("redundant.failovers")).isEqualTo(1);
  }

  @Test
  void aCallItsCallerCancelsIsCountedAsCancelled() {
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(1));
    CountDownLatch started = new CountDownLatch(1);

    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      started.countDown();
      return hang();
    });
    await().atMost(PATIENCE).until(() -> started.getCount() == 0);
    call.cancel(true);

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "cancelled") == 1);
    assertThat(count("redundant.attempts.ended", "outcome", "cancelled")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverTheBudgetDeniesIsCountedAsSkippedForTheBudget(Caller caller) {
    // One failover token and no way to earn more: the first failover takes it, the second is denied.
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(3).noHedging().budget(budget)
        );

    CompletableFuture<String> call = caller.start(() -> hedge.call(() -> {
      throw new IOException("down");
    }));

    assertEndedWithOneSkip(call, "budget");
    assertThat(count("redundant.failovers")).isEqualTo(1);
    assertThat(count("redundant.calls", "outcome", "denied_by_budget")).isEqualTo(1);
    assertThat(hedge.statistics().deniedByBudget()).isEqualTo(1);
  }

  @Test
  void aHedgeTheBudgetDeniesIsCountedAsSkippedForTheBudget() throws Exception {
    // One hedge token: of two hedges that start with the call, the second is denied; the call goes on.
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).budget(budget)
        );

    assertThat(hedge.call(attempt -> "attempt " + attempt.index())).startsWith("attempt ");

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "succeeded") == 1);
    assertThat(count("redundant.attempts.skipped", "reason", "budget")).isEqualTo(1);
    assertThat(count("redundant.hedges.started")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverTooLateForTheDeadlineIsCountedAsSkippedForTheDeadline(Caller caller) {
    ManualTimeSource time = new ManualTimeSource();
    // The min clamp of 10 s keeps hedges out of the way: only the failover is judged against the deadline.
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(3).timeout(Duration.ofMillis(150)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10).min(Duration.ofSeconds(10)))
        );
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
    assertThat(count("redundant.calls", "outcome", "skipped_for_deadline")).isEqualTo(1);
  }

  /** Checks that {@code call} failed with every attempt failed and one attempt skipped for {@code reason}. */
  private void assertEndedWithOneSkip(CompletableFuture<?> call, String reason) {
    assertThat(call).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(AllAttemptsFailedException.class);
    await().atMost(PATIENCE)
        .until(() -> registry.get("redundant.call.latency").tag("succeeded", "false").timer().count() == 1);
    assertThat(count("redundant.attempts.skipped", "reason", reason)).isEqualTo(1);
    assertThat(count("redundant.attempts.skipped", "reason", "budget")
        + count("redundant.attempts.skipped", "reason", "deadline")).as("skips of both reasons").isEqualTo(1);
  }

  @Test
  void everyCounterIsRegisteredAtZeroBeforeTheFirstCall() {
    bound(Hedge.<String>builder());
    for (String outcome : new String[] {"succeeded", "all_failed", "fatal", "timed_out", "denied_by_budget",
        "skipped_for_deadline", "cancelled", "error"}) {
      assertThat(count("redundant.calls", "outcome", outcome)).as(outcome).isZero();
    }
    assertThat(count("redundant.attempts.skipped", "reason", "budget")).isZero();
    assertThat(count("redundant.attempts.skipped", "reason", "deadline")).isZero();
    assertThat(count("redundant.attempts.ended", "outcome", "rejected")).isZero();
    assertThat(count("redundant.hedges.won")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void statisticsGaugesReadTheCurrentDelayAndTheLoadOfThePolicy(Caller caller) {
    // A manual clock that nobody advances: the 250 ms delay never elapses, so no hedge starts.
    Hedge<String> hedge = metrics.bind(Hedge.<String>builder().maxAttempts(3)
        .delay(Duration.ofMillis(250)).timeSource(new ManualTimeSource()).build());
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
    assertThat(gauge("redundant.hedge.win.share")).isZero();
    assertThat(registry.get("redundant.hedge.win.first.attempt").functionTimer().count()).isZero();
    assertThat(registry.get("redundant.hedge.delay").gauge().getId().getBaseUnit()).isEqualTo("milliseconds");
  }

  @Test
  void theDelayGaugeIsNotANumberWhenNoHedgeWouldStart() {
    Hedge<String> failoverOnly = metrics.bind(Hedge.<String>builder().noHedging().build());

    assertThat(gauge("redundant.hedge.delay")).isNaN();
    assertThat(failoverOnly.statistics().currentDelay()).isEmpty();
  }

  @Test
  void prometheusTextCarriesEveryMeterWithThePolicyTag() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HedgeMetrics quotes = new HedgeMetrics(prometheus, "quotes");
    Hedge<String> hedge = quotes.bind(Hedge.<String>builder().delay(Duration.ofSeconds(1))
        .listener(quotes).build());

    hedge.call(() -> "quote");

    await().atMost(PATIENCE).until(() -> prometheus.scrape()
        .contains("redundant_calls_total{outcome=\"succeeded\",policy=\"quotes\"} 1.0"));
    assertThat(prometheus.scrape())
        .contains("redundant_calls_total{outcome=\"timed_out\",policy=\"quotes\"} 0.0")
        .contains("redundant_hedges_won_total{policy=\"quotes\"} 0.0")
        .contains("redundant_attempts_total{policy=\"quotes\",trigger=\"first\"} 1.0")
        .contains("redundant_attempts_skipped_total{policy=\"quotes\",reason=\"budget\"} 0.0")
        .contains("redundant_call_latency_seconds_count{policy=\"quotes\",succeeded=\"true\"} 1")
        .contains("redundant_hedge_delay_milliseconds{policy=\"quotes\"} 1000.0")
        .contains("redundant_extra_load{policy=\"quotes\"} 0.0")
        .contains("redundant_hedge_rate{policy=\"quotes\"} 0.0")
        .contains("redundant_hedge_win_share{policy=\"quotes\"} 0.0")
        .contains("redundant_hedge_win_first_attempt_seconds_count{policy=\"quotes\"} 0")
        .contains("redundant_hedge_win_first_attempt_seconds_sum{policy=\"quotes\"} 0.0");
  }

  @Test
  void aMeterFilterTurnsOnTheLatencyHistogramAsTheClassCommentSays() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals("redundant.call.latency")
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config) : config;
      }
    });
    HedgeMetrics quotes = new HedgeMetrics(prometheus, "quotes");
    Hedge<String> hedge = quotes.bind(Hedge.<String>builder().listener(quotes).build());

    hedge.call(() -> "quote");

    await().atMost(PATIENCE).until(() -> prometheus.scrape()
        .contains("redundant_call_latency_seconds_count{policy=\"quotes\",succeeded=\"true\"} 1"));
    assertThat(prometheus.scrape()).contains("redundant_call_latency_seconds_bucket{");
  }

  @Test
  void itCombinesWithAnotherListener() throws Exception {
    AtomicInteger hedges = new AtomicInteger();
    Hedge<String> hedge = metrics.bind(Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .listener(HedgeListener.of(metrics, HedgeListener.onHedge(attempt -> hedges.incrementAndGet()))).build());

    hedge.call(() -> "x");

    await().atMost(PATIENCE).until(() -> count("redundant.calls", "outcome", "succeeded") == 1);
    assertThat(count("redundant.hedges.started")).isEqualTo(hedges.get()).isEqualTo(1);
  }

  @Test
  void invalidArgumentsAreRejectedByNameBeforeRegisteringAnything() {
    SimpleMeterRegistry empty = new SimpleMeterRegistry();
    assertThatThrownBy(() -> new HedgeMetrics(null, "p")).hasMessageContaining("registry");
    assertThatThrownBy(() -> new HedgeMetrics(empty, null)).hasMessageContaining("policy");
    assertThatThrownBy(() -> new HedgeMetrics(empty, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy");
    assertThatThrownBy(() -> metrics.bind((Hedge<String>) null)).hasMessageContaining("hedge");
    assertThatThrownBy(() -> metrics.bind((dev.redundant.Replicas<String>) null)).hasMessageContaining("replicas");
    assertThat(empty.getMeters()).isEmpty();
    assertThat(metrics).hasToString("HedgeMetrics[policy=p]");
  }

  /** Builds the policy with the metrics as its listener, and binds its statistics. */
  private Hedge<String> bound(HedgeBuilder<String> builder) {
    return metrics.bind(builder.listener(metrics).build());
  }

  private double gauge(String name) {
    return registry.get(name).tag("policy", "p").gauge().value();
  }

  private double count(String name) {
    return count(registry.get(name).tag("policy", "p").meter());
  }

  private double count(String name, String tag, String value) {
    return count(registry.get(name).tag("policy", "p").tag(tag, value).meter());
  }

  /** A counter's count, whether the listener counts it or the policy's statistics do. */
  private static double count(Meter meter) {
    return meter instanceof FunctionCounter counted ? counted.count() : ((Counter) meter).count();
  }

  @Test
  void eachReplicaOfABoundSetHasItsMeters() throws Exception {
    dev.redundant.Replicas<String> replicas = metrics.bind(dev.redundant.Replicas.of("east", "west"));
    Hedge<String> hedge = bound(Hedge.<String>builder().maxAttempts(2).noHedging().replicas(replicas));
    for (int i = 0; i < 10; i++) {
      hedge.call(attempt -> {
        if (attempt.index() == 0) {
          throw new java.io.IOException("down"); // every call fails over to the other replica, which wins
        }
        return replicas.get(attempt);
      });
    }
    double attempts = 0;
    double wins = 0;
    double failures = 0;
    for (String replica : List.of("0", "1")) {
      attempts += registry.get("redundant.replica.attempts").tag("replica", replica).functionCounter().count();
      wins += registry.get("redundant.replica.wins").tag("replica", replica).functionCounter().count();
      failures += registry.get("redundant.replica.failures").tag("replica", replica).functionCounter().count();
      assertThat(registry.get("redundant.replica.in.flight").tag("replica", replica).gauge().value()).isZero();
    }
    assertThat(attempts).isEqualTo(20);
    assertThat(wins).isEqualTo(10);
    assertThat(failures).isEqualTo(10);
    assertThat(registry.get("redundant.replica.latency").tag("replica.name", "west").tag("policy", "p").gauge()
        .value()).isGreaterThanOrEqualTo(0);
  }
}
