package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import dev.redundant.internal.Concurrently;
import dev.redundant.internal.Nanos;
import dev.redundant.internal.loop.DelayEstimator;
import dev.redundant.internal.loop.HedgeCounters;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Statistics snapshots: the counts add up, exactly, even when thousands of calls count at once. */
class HedgeStatisticsTest {

  @Test
  void aFreshPolicyHasZeroRates() {
    HedgeStatistics stats = new HedgeCounters().snapshot(DelayMode.FIXED, Duration.ofSeconds(1).toNanos(), LatencyQuantiles.NONE);
    assertThat(stats.calls()).isZero();
    assertThat(stats.extraLoad()).isZero();
    assertThat(stats.hedgeRate()).isZero();
    assertThat(stats.hedgeWinRate()).isZero();
    assertThat(stats.delayMode()).isEqualTo(DelayMode.FIXED);
    assertThat(stats.currentDelay()).contains(Duration.ofSeconds(1));
    assertThat(stats.latency()).isEqualTo(LatencyQuantiles.NONE);
    assertThat(new HedgeCounters().snapshot(DelayMode.FIXED, Nanos.NEVER, LatencyQuantiles.NONE).currentDelay()).isEmpty();
  }

  @Test
  void ratesFollowTheCounts() {
    HedgeStatistics stats = new HedgeStatistics(100, 95, 3, 112, 8, 2, 4, 1, 0, DelayMode.LEARNT,
        Optional.of(Duration.ofMillis(80)), LatencyQuantiles.NONE);
    assertThat(stats.extraLoad()).isEqualTo(0.12);
    assertThat(stats.hedgeRate()).isEqualTo(0.08);
    assertThat(stats.hedgeWinRate()).isEqualTo(0.25);
  }

  @Test
  void whetherHedgingPaysFollowsTheCounts() {
    HedgeStatistics stats = new HedgeStatistics(100, 95, 3, 112, 8, 2, 4, 1, 0, DelayMode.LEARNT,
        Optional.of(Duration.ofMillis(80)), LatencyQuantiles.NONE, Duration.ofMillis(300));
    assertThat(stats.hedgeWinShare()).isEqualTo(0.02);
    assertThat(stats.meanFirstAttemptTimeAtHedgeWin()).contains(Duration.ofMillis(150));

    HedgeStatistics before = new HedgeStatistics(100, 95, 3, 112, 8, 0, 4, 1, 0, DelayMode.LEARNT,
        Optional.of(Duration.ofMillis(80)), LatencyQuantiles.NONE);
    assertThat(before.firstAttemptTimeAtHedgeWins()).isZero();
    assertThat(before.meanFirstAttemptTimeAtHedgeWin()).isEmpty();
    assertThat(new HedgeCounters().snapshot(DelayMode.FIXED, Nanos.NEVER, LatencyQuantiles.NONE).hedgeWinShare()).isZero();
  }

  @Test
  void aHedgeThatWinsCountsHowLongTheFirstAttemptHadBeenRunning() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(100)).timeSource(time)
        .build();
    CountDownLatch hedgeStarted = new CountDownLatch(1);
    CountDownLatch answer = new CountDownLatch(1);

    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      if (attempt.index() == 0) {
        new CountDownLatch(1).await(); // never answers: interrupted when the hedge wins
      }
      hedgeStarted.countDown();
      answer.await();
      return "hedge";
    });
    time.awaitParkedUntil(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100));
    assertThat(hedgeStarted.await(30, TimeUnit.SECONDS)).isTrue();
    time.advance(Duration.ofMillis(250));
    answer.countDown();

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("hedge");
    Patiently.patiently().until(() -> hedge.statistics().hedgesWon() == 1);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.firstAttemptTimeAtHedgeWins()).isEqualTo(Duration.ofMillis(350));
    assertThat(stats.meanFirstAttemptTimeAtHedgeWin()).contains(Duration.ofMillis(350));
    assertThat(stats.hedgeWinShare()).isEqualTo(1.0);
  }

  @Test
  void aFirstAttemptThatWinsAddsNoHedgeWinTime() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    CountDownLatch hedgeRunning = new CountDownLatch(1);

    assertThat(hedge.call(attempt -> {
      if (attempt.index() == 1) {
        hedgeRunning.countDown();
        new CountDownLatch(1).await(); // the hedge loses
      }
      assertThat(hedgeRunning.await(30, TimeUnit.SECONDS)).isTrue();
      return "first";
    })).isEqualTo("first");

    Patiently.patiently().until(() -> hedge.statistics().successes() == 1);
    assertThat(hedge.statistics().hedgesWon()).isZero();
    assertThat(hedge.statistics().firstAttemptTimeAtHedgeWins()).isZero();
  }

  @Test
  void componentsAreChecked() {
    assertThatThrownBy(() -> new HedgeStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, null, Optional.empty(),
        LatencyQuantiles.NONE)).isInstanceOf(NullPointerException.class).hasMessage("delayMode");
    assertThatThrownBy(() -> new HedgeStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, DelayMode.FIXED, Optional.empty(),
        LatencyQuantiles.NONE, Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("firstAttemptTimeAtHedgeWins");
    assertThatThrownBy(() -> new LatencyQuantiles(3, 4, Optional.empty(), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("censored must be between 0 and samples (3), was 4");
  }

  @Test
  void anAdaptivePolicysSnapshotShowsItsDelayAndLatency() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10));
    HedgeCounters counters = new HedgeCounters();
    assertThat(counters.snapshot(estimator.mode(), estimator.delayNanos(7), estimator.quantiles()).delayMode()).isEqualTo(DelayMode.WARMING_UP);
    assertThat(counters.snapshot(estimator.mode(), estimator.delayNanos(7), estimator.quantiles()).currentDelay()).contains(Duration.ofNanos(7));
    for (int i = 0; i < 10; i++) {
      estimator.recordSuccess(20); // values below 64 ns have buckets of their own: exact
    }
    HedgeStatistics stats = counters.snapshot(estimator.mode(), estimator.delayNanos(7), estimator.quantiles());
    assertThat(stats.delayMode()).isEqualTo(DelayMode.LEARNT);
    assertThat(stats.currentDelay()).contains(Duration.ofNanos(21)); // longer than the quantile: 1 ns above it
    assertThat(stats.latency().samples()).isEqualTo(10);
    assertThat(stats.latency().p90()).contains(Duration.ofNanos(20));
  }

  @Test
  void concurrentCallsAddUpExactly() throws Exception {
    HedgeCounters counters = new HedgeCounters();
    int threads = 8;
    int callsPerThread = 10_000;
    Concurrently.run(threads, thread -> {
      for (int i = 0; i < callsPerThread; i++) {
        // Every 4th call hedges and the hedge wins; every 5th fails over, and 1 in 10 then fails.
        counters.callStarted();
        if (i % 4 == 0) {
          counters.hedgeStarted();
        }
        if (i % 5 == 0) {
          counters.failoverStarted();
          counters.deniedByBudget();
        }
        if (i % 10 == 0) {
          counters.skippedForDeadline();
          counters.callFailed();
        } else {
          counters.callSucceeded(i % 4 == 0);
        }
      }
    });
    HedgeStatistics stats = counters.snapshot(DelayMode.FIXED, Nanos.NEVER, LatencyQuantiles.NONE);
    long calls = (long) threads * callsPerThread;
    assertThat(stats.calls()).isEqualTo(calls);
    assertThat(stats.hedgesStarted()).isEqualTo(calls / 4);
    assertThat(stats.failovers()).isEqualTo(calls / 5);
    assertThat(stats.attempts()).isEqualTo(stats.calls() + stats.hedgesStarted() + stats.failovers());
    assertThat(stats.failures()).isEqualTo(calls / 10);
    assertThat(stats.successes() + stats.failures()).isEqualTo(calls);
    assertThat(stats.hedgesWon()).isEqualTo(calls / 4 - calls / 20); // hedged calls that did not fail
    assertThat(stats.deniedByBudget()).isEqualTo(calls / 5);
    assertThat(stats.skippedForDeadline()).isEqualTo(calls / 10);
  }
}
