package dev.redundant.internal.loop;

import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;

/**
 * The seam for the hedge delay: how long a call waits, after an attempt starts, before it starts the next
 * one. {@link FixedDelay} is the policy's own delays; {@link LearntDelay} learns them from first attempts.
 * Another kind implements this and is chosen in {@link ClosedLoop#of}, the one place a policy's loop is
 * built.
 *
 * <p>The loop feeds every delay the first attempts of the calls it {@linkplain #sampled() samples} (a
 * success's duration, or a censored attempt: one that ran longer than it was allowed to without success),
 * always before the call's outcome is handed out; a delay that does not {@linkplain #learns() learn} is
 * never fed and never asked to sample.
 *
 * <p><b>Thread safety:</b> one per policy, called concurrently by all its calls; implementations are
 * thread-safe and never block.
 */
public interface HedgeDelay {
  /** What {@link #typicalSuccessNanos} returns when no typical success is known. */
  long UNKNOWN = -1;

  /**
   * Returns the delay before attempt {@code index} starts, after the previous attempt's start.
   *
   * @param index 1 to {@code maxAttempts - 1}
   * @return nanoseconds, 0 for at once, or {@code Nanos.NEVER} for no hedge
   */
  long delayNanos(int index);

  /** Whether this delay learns from first attempts: if not, none is timed or fed to it. */
  boolean learns();

  /** Whether the call starting now is to feed its first attempt; decided before any clock read. */
  boolean sampled();

  /** A sampled first attempt succeeded after {@code nanos}. */
  void recordSuccess(long nanos);

  /** A sampled first attempt was cut short without success: it ran longer than it was allowed to. */
  void recordCensored();

  /** How long a typical success takes, for deadline awareness: nanoseconds, or {@link #UNKNOWN}. */
  long typicalSuccessNanos();

  /** What the delay is now based on, for the statistics. */
  DelayMode mode();

  /** The first attempts' latency as learnt, for the statistics; {@link LatencyQuantiles#NONE} if none. */
  LatencyQuantiles quantiles();
}
