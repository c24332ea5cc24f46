package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of what one hedging policy has done since it was built: counts of calls and attempts, what
 * its budget and deadlines prevented, the hedge delay it uses now and the latency of recent first
 * attempts. Cheap enough to keep on: the counters are striped ({@code LongAdder}) and a snapshot costs a
 * scan of a small histogram.
 *
 * <h2>How the numbers relate</h2>
 * <ul>
 * <li>{@code attempts = calls + hedgesStarted + failovers}: every call starts one first attempt, and
 *     every other attempt is a hedge or a failover.</li>
 * <li>{@code successes + failures <= calls}; the difference is the calls still running.</li>
 * <li>{@link #extraLoad()} = {@code (attempts - calls) / calls}: the extra requests the policy sent, per
 *     call.</li>
 * </ul>
 *
 * <h2>Tuning the target extra load L of an {@link AdaptiveDelay}</h2>
 * <ul>
 * <li>{@link #hedgeRate()} should sit near {@code L} once {@link #delayMode()} is {@code LEARNT}; well
 *     below it, the budget ({@link #deniedByBudget()}) or deadlines ({@link #skippedForDeadline()}) are
 *     holding hedges back.</li>
 * <li>{@link #hedgeWinRate()} is the share of hedges that won: near zero, the hedges start too late to
 *     help (lower the delay: raise {@code L}); near one, the delay sits inside the tail's body and a
 *     larger {@code L} would cut the tail further, at {@code L} extra load.</li>
 * <li>{@link #latency()} shows the first attempts' p50, p90 and p99: the delay is their {@code 1 - L}
 *     quantile. If the p99 is far above the p90, the tail is long and hedging pays; if a large share is
 *     {@linkplain LatencyQuantiles#censored() censored}, attempts are cut short or hang.</li>
 * </ul>
 *
 * <h2>Does hedging pay?</h2>
 * <ul>
 * <li>{@link #hedgeWinShare()} is the share of calls a hedge won: the calls whose latency the hedges
 *     changed. It is at most {@link #hedgeRate()}; the rest of the hedges were wasted load.</li>
 * <li>{@link #meanFirstAttemptTimeAtHedgeWin()} is, for those calls, how long the first attempt had been
 *     running when the hedge won. Without that hedge the call would have waited at least this long for its
 *     first attempt (which had not answered yet), so it bounds the latency the hedge spared the caller
 *     from below; the time actually saved is the first attempt's remaining time, which nobody observes
 *     because the attempt is cancelled. Compare it with the first attempts' {@link #latency() p50}: far above
 *     it, each won hedge rescued a call from the tail; close to the delay, the hedges win by a hair and a
 *     longer delay would cost little latency and save load.</li>
 * <li>On a dashboard, read both over a window, from the differences of two snapshots (or the rate of the
 *     cumulative counters): {@code Δ hedgesWon / Δ calls} and
 *     {@code Δ firstAttemptTimeAtHedgeWins / Δ hedgesWon}.</li>
 * </ul>
 *
 * <p>Counters are read one after another while calls may be running, so a snapshot taken under load
 * may be off by the calls in flight; the relations above hold exactly in a snapshot taken while no call
 * runs.
 *
 * <p><b>Thread safety:</b> an immutable record.
 *
 * @param calls calls that started their first attempt
 * @param successes calls that returned a value
 * @param failures calls that ended without a value (every attempt failed, a fatal failure, a timeout, or
 *     the caller gave up)
 * @param attempts attempts started
 * @param hedgesStarted hedges started (attempts started while an earlier one still ran)
 * @param hedgesWon calls won by a hedge
 * @param failovers attempts started because an earlier one failed
 * @param deniedByBudget hedges and failovers the budget did not allow
 * @param skippedForDeadline hedges and failovers not started because the time left was below a typical
 *     successful attempt
 * @param delayMode where the current hedge delay comes from
 * @param currentDelay the hedge delay a call would use now; empty when no hedge would start
 * @param latency recent first attempts' latency
 * @param firstAttemptTimeAtHedgeWins for the calls a hedge won ({@code hedgesWon}), the sum of how long
 *     each call's first attempt had been running when the hedge won (the time from the call's start to the
 *     win; if the first attempt had failed before, the time since it started)
 */
public record HedgeStatistics(long calls, long successes, long failures, long attempts, long hedgesStarted,
    long hedgesWon, long failovers, long deniedByBudget, long skippedForDeadline, DelayMode delayMode,
    Optional<Duration> currentDelay, LatencyQuantiles latency, Duration firstAttemptTimeAtHedgeWins) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code delayMode}, {@code currentDelay}, {@code latency} or
   *     {@code firstAttemptTimeAtHedgeWins} is null
   * @throws IllegalArgumentException if {@code firstAttemptTimeAtHedgeWins} is negative
   */
  public HedgeStatistics {
    requireNonNull(delayMode, "delayMode");
    requireNonNull(currentDelay, "currentDelay");
    requireNonNull(latency, "latency");
    requireNonNull(firstAttemptTimeAtHedgeWins, "firstAttemptTimeAtHedgeWins");
    if (firstAttemptTimeAtHedgeWins.isNegative()) {
      throw new IllegalArgumentException(
          "firstAttemptTimeAtHedgeWins must not be negative, was " + firstAttemptTimeAtHedgeWins);
    }
  }

  /**
   * A snapshot without the time of hedge wins (zero), as before {@code firstAttemptTimeAtHedgeWins}
   * existed.
   *
   * @param calls calls that started their first attempt
   * @param successes calls that returned a value
   * @param failures calls that ended without a value
   * @param attempts attempts started
   * @param hedgesStarted hedges started
   * @param hedgesWon calls won by a hedge
   * @param failovers attempts started because an earlier one failed
   * @param deniedByBudget hedges and failovers the budget did not allow
   * @param skippedForDeadline hedges and failovers not started for the deadline
   * @param delayMode where the current hedge delay comes from
   * @param currentDelay the hedge delay a call would use now
   * @param latency recent first attempts' latency
   * @throws NullPointerException if {@code delayMode}, {@code currentDelay} or {@code latency} is null
   */
  public HedgeStatistics(long calls, long successes, long failures, long attempts, long hedgesStarted,
      long hedgesWon, long failovers, long deniedByBudget, long skippedForDeadline, DelayMode delayMode,
      Optional<Duration> currentDelay, LatencyQuantiles latency) {
    this(calls, successes, failures, attempts, hedgesStarted, hedgesWon, failovers, deniedByBudget,
        skippedForDeadline, delayMode, currentDelay, latency, Duration.ZERO);
  }

  /**
   * Returns the share of calls that a hedge won, {@code hedgesWon / calls}: the calls whose latency the
   * hedges changed. Zero before the first call.
   *
   * @return the hedge win share, in [0, 1]
   */
  public double hedgeWinShare() {
    return calls == 0 ? 0 : (double) hedgesWon / calls;
  }

  /**
   * Returns, for the calls that a hedge won, the mean time their first attempt had been running when the
   * hedge won, {@code firstAttemptTimeAtHedgeWins / hedgesWon}: a lower bound on how long those calls would
   * have taken without the hedge (see the class comment).
   *
   * @return the mean, or empty before the first call won by a hedge
   */
  public Optional<Duration> meanFirstAttemptTimeAtHedgeWin() {
    return hedgesWon == 0 ? Optional.empty() : Optional.of(firstAttemptTimeAtHedgeWins.dividedBy(hedgesWon));
  }

  /**
   * Returns the extra attempts per call, {@code (attempts - calls) / calls}: 0.05 means 5% more requests
   * than without the policy. Zero before the first call.
   *
   * @return the extra load, zero or positive
   */
  public double extraLoad() {
    return calls == 0 ? 0 : (double) (attempts - calls) / calls;
  }

  /**
   * Returns the share of calls that started a hedge, {@code hedgesStarted / calls} (a call with two
   * hedges counts twice). Zero before the first call.
   *
   * @return the hedge rate
   */
  public double hedgeRate() {
    return calls == 0 ? 0 : (double) hedgesStarted / calls;
  }

  /**
   * Returns the share of hedges that won their call, {@code hedgesWon / hedgesStarted}. Zero before the
   * first hedge.
   *
   * @return the hedge win rate, in [0, 1]
   */
  public double hedgeWinRate() {
    return hedgesStarted == 0 ? 0 : (double) hedgesWon / hedgesStarted;
  }

  /** Where a policy's hedge delay comes from at the moment of a snapshot. */
  public enum DelayMode {
    /** The policy has a fixed delay (no {@link AdaptiveDelay}). */
    FIXED,
    /** Adaptive, but fewer than {@link AdaptiveDelay#minSamples()} first attempts seen: the fixed delay applies. */
    WARMING_UP,
    /** Adaptive: the quantile of the long window. */
    LEARNT,
    /**
     * Adaptive: the long window's quantile is censored; the quantile of the recovery window applies, or,
     * while that is censored too but the latest first attempts succeed again, the delay learnt before.
     */
    RECOVERING,
    /**
     * Adaptive with a {@linkplain HedgeBudget budget}: the quantile is censored in both windows (an outage
     * in which attempts hang) and the delay learnt before the outage is held, so that hedging is on the
     * moment the dependency recovers; the budget, which successes fund, bounds the hedges meanwhile.
     */
    HELD,
    /** Adaptive without a budget: the quantile is censored in both windows; no hedge starts (failovers still do). */
    NO_HEDGE
  }

  /**
   * The latency of recent first attempts, over an adaptive policy's long window; a failed first attempt is
   * not counted. A quantile is empty when it falls among the censored samples (first attempts cut short
   * by a hedge's win or by the end of their call) or when there are no samples.
   *
   * @param samples first attempts in the window
   * @param censored how many of them were censored
   * @param p50 the median
   * @param p90 the 90th percentile
   * @param p99 the 99th percentile
   */
  public record LatencyQuantiles(long samples, long censored, Optional<Duration> p50, Optional<Duration> p90,
      Optional<Duration> p99) {

    /** No samples: a policy with a fixed delay. */
    public static final LatencyQuantiles NONE =
        new LatencyQuantiles(0, 0, Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * Checks the components.
     *
     * @throws NullPointerException if a quantile is null
     * @throws IllegalArgumentException if {@code censored} is not in [0, samples]
     */
    public LatencyQuantiles {
      requireNonNull(p50, "p50");
      requireNonNull(p90, "p90");
      requireNonNull(p99, "p99");
      if (censored < 0 || censored > samples) {
        throw new IllegalArgumentException(
            "censored must be between 0 and samples (" + samples + "), was " + censored);
      }
    }
  }
}
