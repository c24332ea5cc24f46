package dev.redundant.internal.loop;

import dev.redundant.AdaptiveDelay;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import dev.redundant.internal.Concurrently;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adaptive delay learnt from scripted first attempts: no threads, no clock, exact expectations. */
class DelayEstimatorTest {
  private static final long MS = 1_000_000;
  private static final long FALLBACK = 1000 * MS;
  /** The relative error of a histogram bucket, rounded up. */
  private static final double BUCKET_ERROR = 1.0 / LogLinearBuckets.SUB_BUCKETS;

  /** Lognormal first attempts with median 10 ms and p99 200 ms (the S2 scenario), seeded. */
  private static long[] lognormal(int n, long seed) {
    Random random = new Random(seed);
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      nanos[i] = (long) (10 * MS * Math.exp(1.288 * random.nextGaussian()));
    }
    return nanos;
  }

  /** The value with at most floor(load * n) of the n values above it. */
  private static long exactQuantile(long[] values, double load) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int above = (int) Math.floor(load * sorted.length + 1e-9);
    return sorted[sorted.length - above - 1];
  }

  private static void assertWithinOneBucket(long actual, long expected) {
    assertThat(actual).isBetween(expected, (long) (expected * (1 + BUCKET_ERROR)));
  }

  @Test
  void theDelayIsTheQuantileOfTheWindowToWithinOneBucket() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    long[] samples = lognormal(5000, 42);
    for (long sample : samples) {
      estimator.recordSuccess(sample);
    }
    // 5000 is a multiple of REFRESH_EVERY: the last record refreshed the cached delay.
    long[] lastWindow = Arrays.copyOfRange(samples, 4000, 5000);
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), exactQuantile(lastWindow, 0.05));
  }

  @Test
  void theDelayConvergesToTheDistributionsQuantile() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05).window(100_000));
    for (long sample : lognormal(100_000, 42)) {
      estimator.recordSuccess(sample);
    }
    // p95 of lognormal(median 10 ms, sigma 1.288) = 10 ms x exp(1.288 x 1.6449) = 83.2 ms.
    double p95 = 10 * MS * Math.exp(1.288 * 1.6448536);
    assertThat((double) estimator.delayNanos(FALLBACK)).isCloseTo(p95, within(p95 * 0.05));
    LatencyQuantiles quantiles = estimator.quantiles();
    assertThat(quantiles.samples()).isEqualTo(100_000);
    assertThat(quantiles.censored()).isZero();
    assertThat(millis(quantiles.p50())).isCloseTo(10, within(10 * 0.05));
    assertThat(millis(quantiles.p99())).isCloseTo(199.2, within(199.2 * 0.05)); // exp(1.288 x 2.3263)
  }

  private static double millis(Optional<Duration> d) {
    return d.orElseThrow().toNanos() / (double) MS;
  }

  /** 1..n ms, shuffled with a seed. */
  private static List<Long> ascendingMillis(int from, int to, long seed) {
    List<Long> values = new ArrayList<>();
    for (long ms = from; ms <= to; ms++) {
      values.add(ms * MS);
    }
    Collections.shuffle(values, new Random(seed));
    return values;
  }

  @Test
  void exactlyLCensoredPutsTheDelayAtTheLargestSuccess() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    ascendingMillis(1, 950, 1).forEach(estimator::recordSuccess);
    for (int i = 0; i < 50; i++) {
      estimator.recordCensored();
    }
    estimator.refresh();
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 950 * MS);
  }

  @Test
  void censoringRaisesTheDelayAboveTheSuccessesQuantile() {
    // Ignoring the 50 slowest first attempts because a hedge cut them short would put the delay at the
    // p95 of the successes (903 ms) and hedge more than 5%; censored, they keep it at the top.
    DelayEstimator censored = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    DelayEstimator successesOnly = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05).window(950));
    for (long sample : ascendingMillis(1, 950, 2)) {
      censored.recordSuccess(sample);
      successesOnly.recordSuccess(sample);
    }
    for (int i = 0; i < 50; i++) {
      censored.recordCensored();
    }
    censored.refresh();
    successesOnly.refresh();
    assertWithinOneBucket(successesOnly.delayNanos(FALLBACK), 903 * MS);
    assertWithinOneBucket(censored.delayNanos(FALLBACK), 950 * MS);
  }

  @Test
  void moreThanLCensoredInTheLongWindowHandsOverToTheRecoveryWindow() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 60; i++) {
      estimator.recordCensored();
    }
    for (long ms = 1; ms <= 940; ms++) {
      estimator.recordSuccess(ms * MS);
    }
    estimator.refresh();
    // The last 250: 691..940 ms, none censored; 12 of them above the delay.
    assertThat(estimator.mode()).isEqualTo(DelayMode.RECOVERING);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 928 * MS);
  }

  @Test
  void censoredInBothWindowsMeansNoHedge() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (long ms = 1; ms <= 900; ms++) {
      estimator.recordSuccess(ms * MS);
    }
    for (int i = 0; i < 100; i++) {
      estimator.recordCensored();
    }
    estimator.refresh();
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(DelayEstimator.NEVER);
    // The successes still say how long a success takes, for deadline awareness.
    assertWithinOneBucket(estimator.typicalSuccessNanos(), 450 * MS);
    assertThat(estimator.quantiles().p99()).isEmpty();
    assertThat(estimator.quantiles().censored()).isEqualTo(100);
  }

  @Test
  void warmUpUsesTheFallbackUntilMinSamples() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05).minSamples(50));
    for (int i = 1; i < 50; i++) {
      estimator.recordSuccess(i * MS);
      estimator.refresh(); // even a refresh does not end the warm-up early
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.WARMING_UP);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(FALLBACK);
    assertThat(estimator.delayNanos(DelayEstimator.NEVER)).isEqualTo(DelayEstimator.NEVER);
    assertThat(estimator.typicalSuccessNanos()).isEqualTo(DelayEstimator.UNKNOWN);

    estimator.recordSuccess(50 * MS); // the 50th sample ends the warm-up at once, off the 16 cadence
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 48 * MS); // 2 of 50 above
    assertWithinOneBucket(estimator.typicalSuccessNanos(), 25 * MS);
  }

  @Test
  void afterAnOutageOfHangsTheDelayLearntBeforeResumesOnceAnswersOutnumberTheHungCalls() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    long[] healthy = lognormal(3000, 3);
    for (int i = 0; i < 1000; i++) {
      estimator.recordSuccess(healthy[i]);
    }
    estimator.refresh(); // 1000 records: the last cadence refresh was 8 records ago
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    long before = estimator.delayNanos(FALLBACK);
    assertWithinOneBucket(before, exactQuantile(Arrays.copyOf(healthy, 1000), 0.05));
    for (int i = 0; i < 2000; i++) {
      estimator.recordCensored(); // every first attempt hangs until its call times out
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(DelayEstimator.NEVER);

    // Recovered, while the calls that hung time out: their censored first attempts, one in two records.
    int next = 1000;
    for (int i = 0; i < 64; i++) {
      if (i % 2 == 0) {
        estimator.recordCensored();
      } else {
        estimator.recordSuccess(healthy[next++]);
      }
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);

    // Only answers now: the delay learnt before the outage applies within 32 records and a refresh.
    int recordsToResume = 0;
    while (estimator.delayNanos(FALLBACK) == DelayEstimator.NEVER) {
      estimator.recordSuccess(healthy[next++]);
      recordsToResume++;
    }
    assertThat(recordsToResume).isLessThanOrEqualTo(DelayEstimator.RECENT + DelayEstimator.REFRESH_EVERY);
    assertThat(estimator.mode()).isEqualTo(DelayMode.RECOVERING);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(before);

    // Once the recovery window holds no censored first attempt, the delay is its quantile.
    while (next < 1000 + 32 + 250) {
      estimator.recordSuccess(healthy[next++]);
    }
    estimator.refresh();
    assertThat(estimator.mode()).isEqualTo(DelayMode.RECOVERING);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), exactQuantile(Arrays.copyOfRange(healthy, next - 250, next), 0.05));

    while (next < 3000) {
      estimator.recordSuccess(healthy[next++]);
    }
    estimator.refresh(); // the long window holds successes only
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), exactQuantile(Arrays.copyOfRange(healthy, 2000, 3000), 0.05));
  }

  @Test
  void withABudgetAnOutageOfHangsHoldsTheDelayLearntBeforeIt() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05), true);
    long[] healthy = lognormal(3000, 5);
    for (int i = 0; i < 1000; i++) {
      estimator.recordSuccess(healthy[i]);
    }
    estimator.refresh();
    long before = estimator.delayNanos(FALLBACK);
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    for (int i = 0; i < 2000; i++) {
      estimator.recordCensored(); // every first attempt hangs: both windows are censored
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.HELD);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(before);

    int next = 1000;
    while (next < 1000 + DelayEstimator.RECENT + DelayEstimator.REFRESH_EVERY) {
      estimator.recordSuccess(healthy[next++]); // recovered: answers again, the same delay applies
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.RECOVERING);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(before);
  }

  @Test
  void withABudgetButNothingLearntBeforeTheOutageNoHedgeStarts() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05).minSamples(100), true);
    for (int i = 0; i < 1000; i++) {
      estimator.recordCensored();
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(DelayEstimator.NEVER);
  }

  @Test
  void withoutADelayLearntBeforeTheOutageHedgingWaitsForTheRecoveryWindow() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 1000; i++) {
      estimator.recordCensored(); // hung from the start: nothing was ever learnt
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);
    long[] healthy = lognormal(300, 4);
    int recordsToResume = 0;
    while (estimator.delayNanos(FALLBACK) == DelayEstimator.NEVER) {
      estimator.recordSuccess(healthy[recordsToResume++]);
    }
    // 12 of the last 250 may be censored: at least 238 answers, resumed at the refresh that follows.
    assertThat(recordsToResume).isBetween(238, 238 + DelayEstimator.REFRESH_EVERY);
    assertThat(estimator.mode()).isEqualTo(DelayMode.RECOVERING);
  }

  @Test
  void theLearntDelayIsClamped() {
    AdaptiveDelay base = AdaptiveDelay.targetExtraLoad(0.05).window(100).minSamples(100);
    DelayEstimator low = new DelayEstimator(base.min(Duration.ofMillis(500)));
    DelayEstimator high = new DelayEstimator(base.max(Duration.ofMillis(20)));
    for (long ms = 1; ms <= 100; ms++) {
      low.recordSuccess(ms * MS);
      high.recordSuccess(ms * MS);
    }
    assertThat(low.delayNanos(FALLBACK)).isEqualTo(500 * MS);
    assertThat(high.delayNanos(FALLBACK)).isEqualTo(20 * MS);
  }

  @Test
  void aCensoredQuantileIsNotClampedToMax() {
    DelayEstimator estimator = new DelayEstimator(
        AdaptiveDelay.targetExtraLoad(0.05).window(100).recoveryWindow(100).max(Duration.ofMillis(20)));
    for (int i = 0; i < 112; i++) {
      estimator.recordCensored();
    }
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(DelayEstimator.NEVER);
  }

  @Test
  void theCachedDelayIsRefreshedEverySixteenRecords() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.5).window(16).minSamples(16));
    for (int i = 0; i < 16; i++) {
      estimator.recordSuccess(10 * MS);
    }
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 10 * MS);
    for (int i = 0; i < 15; i++) {
      estimator.recordSuccess(100 * MS);
    }
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 10 * MS); // stale by design: 15 records since
    estimator.recordSuccess(100 * MS);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 100 * MS);
  }

  @Test
  void concurrentRecordersLoseNoSample() throws Exception {
    int threads = 8;
    int perThread = 10_000;
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05).window(threads * perThread));
    Concurrently.run(threads, thread -> {
      for (int i = 0; i < perThread; i++) {
        if (i % 100 < 4) {
          estimator.recordCensored();
        } else {
          estimator.recordSuccess((i % 100) * MS); // 4..99 ms, once per 100
        }
        estimator.delayNanos(FALLBACK); // readers run alongside
      }
    });
    estimator.refresh();
    LatencyQuantiles quantiles = estimator.quantiles();
    assertThat(quantiles.samples()).isEqualTo((long) threads * perThread);
    assertThat(quantiles.censored()).isEqualTo(threads * perThread / 25);
    // 4% censored, then 1% each of 99, 98, ... ms: 5% above 98 ms exactly, with every sample counted.
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), 98 * MS);
  }

  @Test
  void firstAttemptsThatTakeNoTimeOnTheClockGiveADelayAboveZero() {
    // On a manual clock every first attempt measures 0 ns: the quantile was 0, and a delay of 0 started
    // every attempt of every call at once.
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 1000; i++) {
      estimator.recordSuccess(0);
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(1); // hedge once the clock has moved at all
  }

  @Test
  void onACoarseClockTheDelayIsNeverBelowOneTick() {
    // A clock that ticks every millisecond: 96% of first attempts measure 0, the rest one tick.
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    List<Long> ticks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ticks.add(i % 25 == 0 ? MS : 0L);
    }
    Collections.shuffle(ticks, new Random(6));
    ticks.forEach(estimator::recordSuccess);
    estimator.refresh();
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), MS);

    for (int i = 0; i < 1000; i++) {
      estimator.recordSuccess(0); // the window forgets the ticks; the clock's resolution is remembered
    }
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), MS);
  }

  @Test
  void theDelayIsJustAboveTheQuantile() {
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.5).window(16).minSamples(16));
    for (int i = 0; i < 16; i++) {
      estimator.recordSuccess(40); // below 64 ns every value has a bucket of its own
    }
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(41);
  }

  @Test
  void firstAttemptsOfAnHourAreLearntAsAnHour() {
    // The histogram stopped at 2^40 ns (18.3 minutes): the delay was 18.3 minutes and every call of
    // hour-long first attempts hedged twice; the statistics reported a p50 of 18.3 minutes.
    long hour = Duration.ofHours(1).toNanos();
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 112; i++) {
      estimator.recordSuccess(hour);
    }
    assertWithinOneBucket(estimator.delayNanos(FALLBACK), hour);
    assertThat(estimator.delayNanos(FALLBACK)).isGreaterThan(hour);
    assertThat(estimator.quantiles().p50().orElseThrow()).isBetween(Duration.ofHours(1),
        Duration.ofNanos((long) (hour * (1 + BUCKET_ERROR))));
    assertThat(estimator.typicalSuccessNanos()).isGreaterThanOrEqualTo(hour);
  }

  @Test
  void aRecoveryWindowWhoseSamplesAreAllStillBeingWrittenGivesNoDelay() {
    // A legal interleaving in the window's first lap: the latest 250 sequences are claimed (and counted,
    // censored) by writers that have not yet placed them in the ring. The recovery window then counts no
    // sample, and its "quantile" of no samples (bucket -1) became a delay of 0 in RECOVERING mode.
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 112; i++) {
      estimator.recordSuccess(10 * MS);
    }
    assertThat(estimator.mode()).isEqualTo(DelayMode.LEARNT);
    WindowHistogram window = estimator.window();
    long[] claimed = new long[250];
    for (int i = 0; i < claimed.length; i++) {
      claimed[i] = window.claim(LogLinearBuckets.CENSORED);
    }
    estimator.refresh();
    assertThat(estimator.delayNanos(FALLBACK)).isEqualTo(DelayEstimator.NEVER);
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE);

    for (long sequence : claimed) {
      window.place(sequence, LogLinearBuckets.CENSORED);
    }
    estimator.refresh();
    assertThat(estimator.mode()).isEqualTo(DelayMode.NO_HEDGE); // both windows really are censored now
  }

  @Test
  void aPolicyCalledFasterThanTheRecordLimitRecordsOneInTwoToTheK() {
    ManualTimeSource time = new ManualTimeSource();
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05), false, time);
    int recorded = 0;
    for (int call = 0; call < 200_000; call++) {
      time.advance(Duration.ofNanos(1000)); // a million calls a second on the policy's clock
      if (estimator.sampled()) {
        estimator.recordSuccess(call % 100 * MS); // 0..99 ms
        recorded++;
      }
    }
    // 10^6 calls a second / 10^4 records a second: one in 2^7 = 128 (the first 64 records judge the rate).
    assertThat(estimator.sampleShift()).isEqualTo(7);
    assertThat(recorded).isBetween(64 + 200_000 / 128 / 2, 64 + 200_000 / 64);
    // The p95 of a random sample of uniform 0..99 ms.
    assertThat(estimator.delayNanos(FALLBACK)).isBetween(90 * MS, 100 * MS);

    for (int call = 0; call < 100_000; call++) {
      time.advance(Duration.ofMillis(1)); // a thousand calls a second: every first attempt is recorded
      if (estimator.sampled()) {
        estimator.recordSuccess(MS);
      }
    }
    assertThat(estimator.sampleShift()).isZero();
  }

  @Test
  void aClockThatDoesNotMoveOrNoClockRecordsEveryFirstAttempt() {
    DelayEstimator frozen = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05), false, new ManualTimeSource());
    DelayEstimator none = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.05));
    for (int i = 0; i < 10_000; i++) {
      assertThat(frozen.sampled()).isTrue();
      frozen.recordSuccess(MS);
      assertThat(none.sampled()).isTrue();
      none.recordSuccess(MS);
    }
    assertThat(frozen.sampleShift()).isZero();
  }

  @Test
  void samplingKeepsTheCensoredShare() {
    ManualTimeSource time = new ManualTimeSource();
    DelayEstimator estimator = new DelayEstimator(AdaptiveDelay.targetExtraLoad(0.1).window(2000), false, time);
    for (int call = 0; call < 400_000; call++) {
      time.advance(Duration.ofNanos(1000));
      if (estimator.sampled()) {
        if (call % 20 == 0) {
          estimator.recordCensored(); // 5% of first attempts cut short by their hedge
        } else {
          estimator.recordSuccess(call % 100 * MS);
        }
      }
    }
    LatencyQuantiles quantiles = estimator.quantiles();
    assertThat(quantiles.samples()).isEqualTo(2000);
    // Binomial(2000, 0.05): mean 100, standard deviation 9.7; +-40 is four of them.
    assertThat(quantiles.censored()).isBetween(60L, 140L);
  }
}
