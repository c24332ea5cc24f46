package dev.redundant.internal;

import dev.redundant.AdaptiveDelay;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntToLongFunction;

/**
 * Learns a policy's hedge delay from its first attempts, as {@link AdaptiveDelay} describes: the
 * {@code (1 - L)} quantile of a long window of recent first attempts (censored ones counted as longer
 * than anything seen), the same quantile of a shorter recovery window while the long one's is censored,
 * no hedge when both are censored, the policy's fixed delay during warm-up, and the min/max clamps.
 *
 * <p><b>Hot path.</b> {@link #recordSuccess(long)} and {@link #recordCensored()} are O(1), allocation-free
 * and lock-free. {@link #delayNanos(long)} and {@link #typicalSuccessNanos()} are volatile reads of values
 * recomputed every {@value #REFRESH_EVERY} records (and when warm-up ends), so they lag the latest
 * records by at most that many, plus the records made while a recomputation runs.
 *
 * <p><b>Thread safety:</b> thread-safe; any number of threads may record and read at once.
 */
public final class DelayEstimator {
  /** The delay {@link #delayNanos(long)} returns when no hedge should start. */
  public static final long NEVER = RaceConfig.NEVER;
  /** The value of {@link #typicalSuccessNanos()} before any successful first attempt is known. */
  public static final long UNKNOWN = -1;
  /** How many records between two recomputations of the cached values. */
  static final int REFRESH_EVERY = 16;
  /** Cached delay value meaning "warming up: use the fallback". */
  private static final long WARM_UP = -1;

  private final double quantile;
  private final int minSamples;
  private final long minNanos;
  private final long maxNanos;
  private final WindowHistogram window;
  private final int recoveryWindow;
  /** The recovery window's bucket counts, rebuilt from the ring when needed; used only while refreshing. */
  private final long[] recoveryCounts = new long[LogLinearBuckets.COUNT];
  @SuppressWarnings("UnnecessaryLambda") // one lambda, allocated once, read by the histogram on every refresh
  private final IntToLongFunction recoveryCount = bucket -> recoveryCounts[bucket];
  /**
   * Guard against the race of two recomputations: an older one finishing last would publish stale values,
   * and both would share {@link #recoveryCounts}. Only the thread that sets this flag recomputes.
   */
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile long delayNanos = WARM_UP;
  private volatile long typicalSuccessNanos = UNKNOWN;
  private volatile DelayMode mode = DelayMode.WARMING_UP;

  /**
   * Creates an estimator with no samples.
   *
   * @param settings the adaptive delay's settings
   */
  public DelayEstimator(AdaptiveDelay settings) {
    this.quantile = 1 - settings.targetExtraLoad();
    this.minSamples = settings.minSamples();
    this.minNanos = RaceConfig.saturatedNanos(settings.min());
    this.maxNanos = settings.max().map(RaceConfig::saturatedNanos).orElse(NEVER);
    this.window = new WindowHistogram(settings.window());
    this.recoveryWindow = settings.recoveryWindow();
  }

  /**
   * Records a first attempt that succeeded.
   *
   * @param nanos how long it ran
   */
  public void recordSuccess(long nanos) {
    record(LogLinearBuckets.bucketOf(nanos));
  }

  /** Records a first attempt that was cancelled because another attempt won, or still ran when its call ended. */
  public void recordCensored() {
    record(LogLinearBuckets.CENSORED);
  }

  private void record(int bucket) {
    long recorded = window.record(bucket);
    if (recorded % REFRESH_EVERY == 0 || recorded == minSamples) {
      refresh();
    }
  }

  /**
   * Returns the hedge delay to use now.
   *
   * @param fallbackNanos the policy's fixed delay, returned during warm-up
   * @return the delay in nanoseconds, {@code fallbackNanos} during warm-up, or {@link #NEVER} for no hedge
   */
  public long delayNanos(long fallbackNanos) {
    long delay = delayNanos;
    return delay == WARM_UP ? fallbackNanos : delay;
  }

  /**
   * Returns the median time of the successful first attempts in the long window: what a hedge or failover
   * needs, typically, to succeed. {@link #UNKNOWN} during warm-up or without a success in the window.
   *
   * @return the median in nanoseconds, or {@link #UNKNOWN}
   */
  public long typicalSuccessNanos() {
    return typicalSuccessNanos;
  }

  /**
   * Returns where the current delay comes from.
   *
   * @return where the current delay comes from
   */
  public DelayMode mode() {
    return mode;
  }

  /**
   * Recomputes the cached delay, mode and typical success time from the windows now. Called every
   * {@value #REFRESH_EVERY} records; skipped when another thread is recomputing (that one publishes).
   */
  void refresh() {
    if (!refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      if (window.samples() < minSamples) {
        return; // warming up: the initial values stand
      }
      typicalSuccessNanos = medianOfSuccesses();
      int bucket = window.quantileBucket(quantile);
      DelayMode next = DelayMode.LEARNT;
      if (bucket == LogLinearBuckets.CENSORED) {
        long samples = window.countLatest(recoveryWindow, recoveryCounts);
        bucket = WindowHistogram.quantileBucket(recoveryCount, samples, quantile);
        next = DelayMode.RECOVERING;
      }
      if (bucket == LogLinearBuckets.CENSORED) {
        delayNanos = NEVER;
        mode = DelayMode.NO_HEDGE;
      } else {
        delayNanos = Math.min(Math.max(LogLinearBuckets.upperBound(bucket), minNanos), maxNanos);
        mode = next;
      }
    } finally {
      refreshing.set(false);
    }
  }

  private long medianOfSuccesses() {
    long successes = window.samples() - window.censored();
    if (successes <= 0) {
      return UNKNOWN;
    }
    int bucket = window.bucketAtRank((successes + 1) / 2);
    return bucket == LogLinearBuckets.CENSORED ? UNKNOWN : LogLinearBuckets.upperBound(bucket);
  }

  /**
   * Returns the p50, p90 and p99 of the long window now (computed on each call, not cached).
   *
   * @return the quantiles
   */
  public LatencyQuantiles quantiles() {
    long samples = window.samples();
    return new LatencyQuantiles(samples, Math.min(window.censored(), samples), quantile(0.5), quantile(0.9),
        quantile(0.99));
  }

  private Optional<Duration> quantile(double q) {
    int bucket = window.quantileBucket(q);
    return bucket < 0 || bucket == LogLinearBuckets.CENSORED
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(LogLinearBuckets.upperBound(bucket)));
  }
}
