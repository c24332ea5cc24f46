package dev.redundant.internal.loop;

import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import dev.redundant.HedgeStatistics;
import dev.redundant.internal.Nanos;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running counts behind {@link HedgeStatistics}, one set per policy. Each count is a
 * {@link LongAdder}: an increment is a single uncontended CAS on a cell of its own under contention, cheap
 * enough to leave on for every call. Attempts are not counted apart: every attempt is a call's first, a
 * hedge or a failover, so a snapshot sums those (one increment fewer per call).
 *
 * <p><b>Thread safety:</b> thread-safe. A {@link #snapshot} reads the counts one after another, so under
 * load it may be off by the calls in flight (see {@link HedgeStatistics}).
 */
public final class HedgeCounters {
  private final LongAdder calls = new LongAdder();
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder hedges = new LongAdder();
  private final LongAdder hedgesWon = new LongAdder();
  private final LongAdder failovers = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  /** For the calls a hedge won: the sum of the times from the call's start (its first attempt's) to the win. */
  private final LongAdder hedgeWinNanos = new LongAdder();

  /** Creates counters at zero. */
  public HedgeCounters() {}

  /** A call started its first attempt. */
  public void callStarted() {
    calls.increment();
  }

  /** A hedge started. */
  public void hedgeStarted() {
    hedges.increment();
  }

  /** A failover started. */
  public void failoverStarted() {
    failovers.increment();
  }

  /**
   * A call returned a value.
   *
   * @param wonByHedge whether the winning attempt was a hedge
   */
  public void callSucceeded(boolean wonByHedge) {
    successes.increment();
    if (wonByHedge) {
      hedgesWon.increment();
    }
  }

  /**
   * A hedge won its call: how long the call's first attempt had been running (or had run) by then.
   *
   * @param sinceFirstAttemptStart nanoseconds from the start of attempt 0 (the call's start) to the win
   */
  public void hedgeWonAfter(long sinceFirstAttemptStart) {
    hedgeWinNanos.add(Math.max(0, sinceFirstAttemptStart));
  }

  /** A call ended without a value. */
  public void callFailed() {
    failures.increment();
  }

  /** The budget denied a hedge or failover. */
  public void deniedByBudget() {
    denied.increment();
  }

  /** A hedge or failover was not started because the time left was below a typical successful attempt. */
  public void skippedForDeadline() {
    skipped.increment();
  }

  /**
   * Returns the statistics now, with what the policy's delay says of itself.
   *
   * @param mode where the current delay comes from
   * @param delayNanos the delay before the first hedge now, or {@code Nanos.NEVER} for none
   * @param latency the first attempts' latency as learnt, or {@link LatencyQuantiles#NONE}
   * @return a snapshot
   */
  public HedgeStatistics snapshot(DelayMode mode, long delayNanos, LatencyQuantiles latency) {
    Optional<Duration> delay = delayNanos == Nanos.NEVER ? Optional.empty()
        : Optional.of(Duration.ofNanos(delayNanos));
    // Read in the order the counts grow in a call (its start, then its extra attempts), and attempts summed
    // from the same readings: the identity attempts = calls + hedges + failovers holds in every snapshot.
    long c = calls.sum();
    long h = hedges.sum();
    long f = failovers.sum();
    return new HedgeStatistics(c, successes.sum(), failures.sum(), c + h + f, h, hedgesWon.sum(), f, denied.sum(),
        skipped.sum(), mode, delay, latency, Duration.ofNanos(hedgeWinNanos.sum()));
  }
}
