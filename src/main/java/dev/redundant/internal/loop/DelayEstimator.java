package dev.redundant.internal.loop;

import dev.redundant.AdaptiveDelay;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import dev.redundant.TimeSource;
import dev.redundant.internal.Nanos;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Learns a policy's hedge delay from its first attempts, as {@link AdaptiveDelay} describes: the
 * {@code (1 - L)} quantile of a long window of recent first attempts (censored ones counted as longer
 * than anything seen), the same quantile of a shorter recovery window while the long one's is censored,
 * no hedge when both are censored (unless the latest first attempts succeed again after an outage, or a
 * budget bounds the hedges: then the delay learnt before the outage), the policy's fixed delay during
 * warm-up, and the min/max clamps.
 *
 * <p><b>The delay.</b> The quantile's bucket gives the longest duration the quantile may be; the delay is
 * the next nanosecond: hedge once an attempt has run <em>longer</em> than the quantile. So it is never
 * 0, and never below the clock's resolution as far as the clock has shown it: a first attempt shorter
 * than one tick of a coarse (or manual) clock measures 0, and a quantile of 0 then means only "shorter
 * than a tick", so the delay is at least the smallest positive duration the clock has measured for a
 * first attempt (its bucket's upper bound; 1 ns if the clock never moved during one).
 *
 * <p><b>Hot path.</b> {@link #recordSuccess(long)} and {@link #recordCensored()} are O(1), allocation-free
 * and lock-free. {@link #delayNanos(long)} and {@link #typicalSuccessNanos()} are volatile reads of values
 * recomputed every {@value #REFRESH_EVERY} records (and when warm-up ends), so they lag the latest
 * records by at most that many, plus the records made while a recomputation runs.
 *
 * <p><b>Sampling.</b> Recording every first attempt of a policy called a million times a second makes its
 * callers contend for the window's shared sequence counter and counts, and read the clock once more per
 * call. So a policy records a random one in {@code 2^k} of its first attempts ({@link #sampled()}, asked
 * before the clock is read), {@code k} chosen at refreshes: a policy recording more than twice
 * {@value #MAX_RECORDS_PER_SECOND} first attempts a second on its clock records about
 * {@value #MAX_RECORDS_PER_SECOND} a second instead (between a quarter and twice that), so its window
 * spans at least {@code window / 20,000} seconds of traffic; below that rate it records every first
 * attempt, as before. The choice is made independently of
 * the attempt's outcome, so the censored share and the quantile are unbiased. An estimator without a
 * clock, or whose clock does not move between refreshes (a manual clock in a test), records every first
 * attempt.
 *
 * <p><b>Thread safety:</b> thread-safe; any number of threads may record and read at once.
 */
public final class DelayEstimator {
  /** The delay {@link #delayNanos(long)} returns when no hedge should start. */
  public static final long NEVER = Nanos.NEVER;
  /** The value of {@link #typicalSuccessNanos()} before any successful first attempt is known. */
  public static final long UNKNOWN = -1;
  /** How many records between two recomputations of the cached values. */
  static final int REFRESH_EVERY = 16;
  /** How many of the latest first attempts say whether the dependency answers again after an outage. */
  static final int RECENT = 2 * REFRESH_EVERY;
  /** Cached delay value meaning "warming up: use the fallback". */
  private static final long WARM_UP = -1;
  /**
   * The records a second a sampling policy aims at. It starts sampling above twice as many, and records
   * every first attempt again below a quarter: a band wide enough that the noise of a rate judged over a
   * few dozen records does not move the sampling back and forth.
   */
  static final long MAX_RECORDS_PER_SECOND = 10_000;
  /** The lowest sampling rate: one in 2^MAX_SHIFT first attempts. */
  static final int MAX_SHIFT = 16;
  /** The rate is judged over at least this many records, or {@link #RATE_NANOS}, whichever comes first. */
  private static final long RATE_RECORDS = 4 * REFRESH_EVERY;
  private static final long RATE_NANOS = 1_000_000_000L;

  private final double quantile;
  private final int minSamples;
  private final long minNanos;
  private final long maxNanos;
  private final WindowHistogram window;
  private final int recoveryWindow;
  /** The recovery window's bucket counts, rebuilt from the ring when needed; used only while refreshing. */
  private final long[] recoveryCounts = new long[LogLinearBuckets.COUNT];
  /** The buckets of the median success and of the quantile in the long window; used only while refreshing. */
  private final int[] rankBuckets = new int[2];
  @SuppressWarnings("UnnecessaryLambda") // one lambda, allocated once, read by the histogram on every refresh
  private final IntToLongFunction recoveryCount = bucket -> recoveryCounts[bucket];
  /**
   * Guard against the race of two recomputations: an older one finishing last would publish stale values,
   * and both would share {@link #recoveryCounts}. Only the thread that sets this flag recomputes.
   */
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile long delayNanos = WARM_UP;
  private volatile long typicalSuccessNanos = UNKNOWN;
  /**
   * The delays learnt (clamped) at the latest refreshes, NEVER where none yet: a ring covering about
   * {@code L x window} records, as long as the onset of an outage of hangs takes to push the long
   * window's quantile among the censored samples (raising the learnt delay on the way). Read and written
   * only by the thread holding {@link #refreshing}, whose compare-and-set and release order the accesses.
   */
  private final long[] learnt;
  private int learntNext;
  /** Whether an outage of hangs keeps the delay learnt before it (a budget bounds the hedges) or stops hedging. */
  private final boolean holdThroughOutages;
  private volatile DelayMode mode = DelayMode.WARMING_UP;
  /**
   * The clock's resolution as far as first attempts have shown it: the upper bound of the lowest positive
   * bucket of the latest window that had one, or 1 ns. The delay of a quantile of 0 ns. Read and written
   * only by the thread holding {@link #refreshing}.
   */
  private long resolutionNanos = 1;
  /** The clock the record rate is judged on, or null to record every first attempt. */
  private final @Nullable TimeSource time;
  /** One in 2^sampleShift first attempts is recorded; 0: all. Written only by the thread holding {@link #refreshing}. */
  private volatile int sampleShift;
  /** The clock reading and the records when the record rate was last judged; guarded by {@link #refreshing}. */
  private long rateSinceNanos;
  private long rateSinceRecorded = -1;

  /**
   * Creates an estimator with no samples, for a policy without a budget: an outage of hangs stops hedging.
   *
   * @param settings the adaptive delay's settings
   */
  public DelayEstimator(AdaptiveDelay settings) {
    this(settings, false, null);
  }

  /**
   * Creates an estimator with no samples.
   *
   * @param settings the adaptive delay's settings
   * @param holdThroughOutages whether, when both windows are censored (an outage of hangs), the delay
   *     learnt before the outage still applies: for a policy whose {@link dev.redundant.HedgeBudget}
   *     bounds the hedges an outage could waste, so that hedging is already on when the dependency
   *     recovers; without a budget, hedging stops instead
   */
  public DelayEstimator(AdaptiveDelay settings, boolean holdThroughOutages) {
    this(settings, holdThroughOutages, null);
  }

  /**
   * Creates an estimator with no samples that samples its first attempts above
   * {@value #MAX_RECORDS_PER_SECOND} records a second on {@code time}.
   *
   * @param settings the adaptive delay's settings
   * @param holdThroughOutages as for {@link #DelayEstimator(AdaptiveDelay, boolean)}
   * @param time the policy's clock, on which the record rate is judged; null to record every first attempt
   */
  public DelayEstimator(AdaptiveDelay settings, boolean holdThroughOutages, @Nullable TimeSource time) {
    this.holdThroughOutages = holdThroughOutages;
    this.time = time;
    this.quantile = 1 - settings.targetExtraLoad();
    this.minSamples = settings.minSamples();
    this.minNanos = Nanos.of(settings.min());
    this.maxNanos = settings.max().map(Nanos::of).orElse(NEVER);
    this.window = new WindowHistogram(settings.window());
    this.recoveryWindow = settings.recoveryWindow();
    this.learnt = new long[(int) Math.ceil(settings.targetExtraLoad() * settings.window() / REFRESH_EVERY) + 1];
    Arrays.fill(learnt, NEVER);
  }

  /**
   * Returns whether to record this call's first attempt: true for all while the policy records fewer
   * than {@value #MAX_RECORDS_PER_SECOND} a second, else for a random one in {@code 2^k}. Asked once per
   * call, before its first attempt's duration is read from the clock, whatever the attempt's outcome.
   *
   * @return whether to record it
   */
  public boolean sampled() {
    int shift = sampleShift;
    return shift == 0 || ThreadLocalRandom.current().nextInt() >>> (Integer.SIZE - shift) == 0;
  }

  /** The long window, for tests that put it in the states concurrent writers leave it in. */
  WindowHistogram window() {
    return window;
  }

  /**
   * Returns how many first attempts are skipped per one recorded, as a power of two.
   *
   * @return {@code k}: one in {@code 2^k} first attempts is recorded
   */
  int sampleShift() {
    return sampleShift;
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
      judgeRecordRate();
      if (window.samples() < minSamples) {
        return; // warming up: the initial values stand
      }
      // One scan of the long window finds both the median success and the quantile.
      long samples = window.samples();
      long successes = samples - window.censored();
      window.bucketsAtRanks((Math.max(1, successes) + 1) / 2, WindowHistogram.quantileRank(samples, quantile),
          rankBuckets);
      publishTypicalSuccess(successes <= 0 || rankBuckets[0] == LogLinearBuckets.CENSORED
          ? UNKNOWN : LogLinearBuckets.upperBound(rankBuckets[0]));
      int bucket = rankBuckets[1];
      DelayMode next = DelayMode.LEARNT;
      if (bucket == LogLinearBuckets.CENSORED) {
        long recent = window.countLatest(recoveryWindow, recoveryCounts);
        // Guard against the race with writers in the window's first lap: the latest sequences may all be
        // claimed and not yet placed in the ring, and then nothing is counted. No count is no quantile.
        bucket = recent == 0 ? LogLinearBuckets.CENSORED
            : WindowHistogram.quantileBucket(recoveryCount, recent, quantile);
        next = DelayMode.RECOVERING;
      }
      long beforeOutage;
      if (bucket != LogLinearBuckets.CENSORED) {
        long delay = Math.min(Math.max(above(bucket), minNanos), maxNanos);
        learnt[learntNext] = delay;
        learntNext = (learntNext + 1) % learnt.length;
        publish(delay, next);
      } else if ((beforeOutage = lowestLearnt()) != NEVER && answersAgain()) {
        // Both windows still remember an outage of hangs, but the latest first attempts succeed: the
        // delay learnt before the outage applies until the recovery window has forgotten it.
        publish(beforeOutage, DelayMode.RECOVERING);
      } else if (beforeOutage != NEVER && holdThroughOutages) {
        // An outage of hangs goes on, but the budget bounds what hedges it wastes (its tokens come from
        // successes, which stop): keeping the delay learnt before it lets the first calls after recovery
        // hedge at once, instead of waiting for the hung calls to time out and the windows to refill.
        publish(beforeOutage, DelayMode.HELD);
      } else {
        publish(NEVER, DelayMode.NO_HEDGE);
      }
    } finally {
      refreshing.set(false);
    }
  }

  /**
   * The delay for a quantile in {@code bucket}: the first nanosecond above the bucket (an attempt that has
   * run longer than the quantile). For bucket 0, a quantile "shorter than one tick" of the clock, it is
   * the upper bound of the lowest positive bucket of the window (the clock's resolution, as far as it has
   * shown it), else of the last window that had one, else 1 ns.
   */
  private long above(int bucket) {
    if (bucket == 0) {
      int lowest = window.lowestPositiveBucket();
      if (lowest > 0) {
        resolutionNanos = LogLinearBuckets.upperBound(lowest);
      }
      return resolutionNanos;
    }
    long upper = LogLinearBuckets.upperBound(bucket);
    return upper == LogLinearBuckets.MAX_VALUE ? NEVER : upper + 1;
  }

  /**
   * Judges the record rate since the last judgement, over at least {@link #RATE_RECORDS} records or
   * {@link #RATE_NANOS}. Above twice {@value #MAX_RECORDS_PER_SECOND} records a second, or below a quarter
   * of it while sampling, it sets the sampling to the fewest halvings that bring the calls to
   * {@value #MAX_RECORDS_PER_SECOND} records a second or fewer, at once. A clock that did not move, went
   * back or failed leaves the sampling as it is.
   */
  private void judgeRecordRate() {
    TimeSource time = this.time;
    if (time == null) {
      return;
    }
    long now;
    try {
      now = time.nanoTime();
    } catch (Throwable t) {
      return; // the call that reads it reports a failing clock
    }
    long recorded = window.recorded();
    if (rateSinceRecorded < 0) {
      rateSinceNanos = now;
      rateSinceRecorded = recorded;
      return;
    }
    long records = recorded - rateSinceRecorded;
    long elapsed = now - rateSinceNanos;
    if (elapsed <= 0 || (records < RATE_RECORDS && elapsed < RATE_NANOS)) {
      return;
    }
    int shift = sampleShift;
    double recordsPerSecond = records * 1e9 / elapsed;
    if (recordsPerSecond > 2 * MAX_RECORDS_PER_SECOND
        || (shift > 0 && recordsPerSecond < MAX_RECORDS_PER_SECOND / 4.0)) {
      // The fewest halvings that bring the calls to at most the target: ceil(log2(calls / target)).
      double ratio = Math.min(recordsPerSecond * (1L << shift) / MAX_RECORDS_PER_SECOND, 1 << MAX_SHIFT);
      sampleShift = ratio <= 1 ? 0
          : Math.min(MAX_SHIFT, Long.SIZE - Long.numberOfLeadingZeros((long) Math.ceil(ratio) - 1));
    }
    rateSinceNanos = now;
    rateSinceRecorded = recorded;
  }

  /**
   * Publishes the delay and mode a refresh found, storing only what changed. Every call reads
   * {@link #delayNanos} (and a deadline-aware policy {@link #typicalSuccessNanos}), while a refresh runs
   * every {@value #REFRESH_EVERY} records and mostly finds the same values. Guard against the race of
   * those readers with a refresh's stores on another core: a volatile store, even of an unchanged value,
   * invalidates the readers' cache line. Only the thread holding {@link #refreshing} stores, so the
   * read-compare-store loses no update.
   */
  private void publish(long delay, DelayMode next) {
    if (delayNanos != delay) {
      delayNanos = delay;
    }
    if (mode != next) {
      mode = next;
    }
  }

  /** Publishes the typical success time, storing it only if it changed (as {@link #publish}). */
  private void publishTypicalSuccess(long nanos) {
    if (typicalSuccessNanos != nanos) {
      typicalSuccessNanos = nanos;
    }
  }

  /**
   * Whether the dependency answers again: at most {@code 2L} (and at least one) of the latest
   * {@value #RECENT} first attempts (or the recovery window, if shorter) were censored. The calls that
   * hung in an outage record their censored first attempts until they time out, so this holds only once
   * the recovered dependency's answers far outnumber them; in a healthy state only the first attempts
   * beaten by their hedge are censored, about {@code L} of them.
   */
  private boolean answersAgain() {
    int recent = Math.min(RECENT, recoveryWindow);
    long samples = window.countLatest(recent, recoveryCounts);
    long allowed = Math.max(1, (long) Math.floor(2 * (1 - quantile) * recent + 1e-9));
    return samples == recent && recoveryCounts[LogLinearBuckets.CENSORED] <= allowed;
  }

  /** The lowest delay of the ring: the one learnt before an outage's onset raised it; NEVER if none. */
  private long lowestLearnt() {
    long lowest = NEVER;
    for (long delay : learnt) {
      lowest = Math.min(lowest, delay);
    }
    return lowest;
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
