package dev.redundant.internal.loop;

import dev.redundant.AdaptiveDelay;
import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeStatistics;
import dev.redundant.TimeSource;
import dev.redundant.internal.Log;
import dev.redundant.internal.Nanos;
import org.jspecify.annotations.Nullable;

/**
 * The closed loop of one policy: what its calls learn from and feed back into. A call reaches it at fixed
 * moments, each a method here, and the loop sees and steers the call only through {@link LoopCall}:
 * <ul>
 * <li>{@link #callStarted} (counts the call, brackets it for the budget's calls in flight, decides whether
 *     its first attempt is sampled), then {@link #countLaunch} for every hedge or failover it reserves;</li>
 * <li>{@link #mayLaunch} (whether to start a hedge or failover: the deadline, then the budget);</li>
 * <li>{@link #hedgeDelayNanos} (the {@link HedgeDelay} before the next attempt);</li>
 * <li>{@link #attemptEnded} (an attempt's outcome; the delay learns from attempt 0's);</li>
 * <li>{@link #callEnded} (the call's: statistics, budget deposit).</li>
 * </ul>
 *
 * <p>The loop holds only per-policy state: the {@code delay}, {@code budget} and {@code counters}
 * (statistics), the last two {@code null} when the policy does not use them, so that a policy pays only
 * for what it uses ({@code Redundant.firstSuccess}'s shared policies keep no statistics), and each method
 * does nothing for a policy without the feature it serves. Per-call facts come in through the door and
 * as plain values. Nothing here allocates for a call.
 *
 * <p><b>Thread safety:</b> immutable; one per policy, called concurrently by every call of it, from
 * callers, clock watchers and attempt threads. The delay, budget and counters are thread-safe.
 */
public final class ClosedLoop {
  private final HedgeDelay delay;
  /** {@code delay.learns()}: whether first attempts are timed and fed to the delay. */
  private final boolean learns;
  /** Whether hedges and failovers that cannot finish before the deadline are skipped (adaptive only). */
  private final boolean deadlineAware;
  /** Funds hedges and failovers, or null for no budget. */
  private final @Nullable TokenBudget budget;
  /** The statistics' counts, or null for a policy that keeps none. */
  private final @Nullable HedgeCounters counters;
  private final int maxAttempts;

  private ClosedLoop(HedgeDelay delay, boolean deadlineAware, @Nullable TokenBudget budget,
      @Nullable HedgeCounters counters, int maxAttempts) {
    this.delay = delay;
    this.learns = delay.learns();
    this.deadlineAware = deadlineAware;
    this.budget = budget;
    this.counters = counters;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Builds a policy's loop: the one place that chooses its {@link HedgeDelay}.
   *
   * @param delayNanos the policy's validated delays, {@code delayNanos[i]} before attempt {@code i >= 1}
   *     (the warm-up delays if adaptive); not copied
   * @param adaptive the adaptive delay, or null for fixed delays
   * @param budget the budget's live tokens, or null for none
   * @param statistics whether to keep counts for {@link #statistics()}
   * @param time the policy's clock, on which the adaptive delay judges its record rate
   * @return the loop
   */
  public static ClosedLoop of(long[] delayNanos, @Nullable AdaptiveDelay adaptive, @Nullable TokenBudget budget,
      boolean statistics, TimeSource time) {
    HedgeCounters counters = statistics ? new HedgeCounters() : null;
    if (adaptive == null || delayNanos.length == 1) { // a policy of one attempt has no delay to learn
      return new ClosedLoop(new FixedDelay(delayNanos), false, budget, counters, delayNanos.length);
    }
    HedgeDelay learnt = new LearntDelay(new DelayEstimator(adaptive, budget != null, time), delayNanos);
    return new ClosedLoop(learnt, adaptive.isDeadlineAware(), budget, counters, delayNanos.length);
  }

  /** Whether the delay may change from call to call (it learns): every call with hedges then watches the clock. */
  public boolean learns() {
    return learns;
  }

  /**
   * Whether to start attempt {@code index} as a hedge or failover (never asked for the first attempt).
   * Every launch but the first asks once, before its index is reserved; a refusal leaves the index free.
   * Refused: a hedge of a call whose hedging was stopped; an attempt that a deadline-aware adaptive delay
   * judges cannot finish in the time left (checked first, so that no token is spent on it); then one the
   * budget has no token for. A refusal is told to the call ({@link LoopCall#refused}).
   *
   * @param now the clock's reading, against which the deadline is checked
   */
  public boolean mayLaunch(LoopCall call, int index, Trigger trigger, long now) {
    if (trigger == Trigger.HEDGE && call.hedgingStopped()) {
      return false;
    }
    if (deadlineAware && call.timeoutNanos() != Nanos.NEVER) {
      long typical = delay.typicalSuccessNanos();
      if (typical != HedgeDelay.UNKNOWN && Nanos.remaining(now, call.startNanos(), call.timeoutNanos()) < typical) {
        refused(call, index, trigger, now, SkippedAttempt.Reason.DEADLINE);
        return false;
      }
    }
    TokenBudget budget = this.budget;
    if (budget == null) {
      return true;
    }
    boolean granted;
    try {
      granted = trigger == Trigger.HEDGE ? budget.tryHedge() : budget.tryFailover();
    } catch (Throwable t) {
      // Guard against a budget whose TimeSource throws: like the policy's own clock, it ends the call
      // and every attempt is interrupted (it must not kill the asking thread, nor reach a caller raw).
      call.clockFailed(t);
      return false;
    }
    if (!granted) {
      refused(call, index, trigger, now, SkippedAttempt.Reason.BUDGET);
    }
    return granted;
  }

  /** Counts and logs a refused launch, and tells the call. */
  private void refused(LoopCall call, int index, Trigger trigger, long now, SkippedAttempt.Reason reason) {
    boolean byBudget = reason == SkippedAttempt.Reason.BUDGET;
    HedgeCounters counters = this.counters;
    if (counters != null) {
      if (byBudget) {
        counters.deniedByBudget();
      } else {
        counters.skippedForDeadline();
      }
    }
    if (Log.LOG.isDebugEnabled()) {
      Log.debug("Attempt {} ({}) not started: {}", index, trigger,
          byBudget ? "no budget" : "too close to the deadline");
    }
    call.refused(index, trigger, reason, now);
  }

  /**
   * The hedge delay before attempt {@code index >= 1} starts, after the previous start: the policy's
   * {@link HedgeDelay}'s; {@code Nanos.NEVER} once the call's hedging was stopped by a refusal, so that
   * the clock does not ask again.
   */
  public long hedgeDelayNanos(LoopCall call, int index) {
    return call.hedgingStopped() ? Nanos.NEVER : delay.delayNanos(index);
  }

  /**
   * Whether the end time of attempt {@code index}'s success is needed: the delay learns it.
   *
   * @return whether {@link #attemptEnded} needs {@code endNanos}: not for a call whose first attempt is
   *     not sampled, so that its clock is not read
   */
  public boolean needsEndTime(LoopCall call, int index) {
    return index == 0 && learns && !call.firstAttemptRecordClaimed();
  }

  /**
   * An attempt ended, on the thread that owns its outcome, or on a thread that saw it lose. Only attempt 0
   * teaches the delay, once per call (the call's {@link LoopCall#claimFirstAttemptRecord claim}), before
   * the call's outcome is handed out.
   *
   * @param startNanos when the attempt started
   * @param how {@code null} if it won; {@code FAILED}, {@code REJECTED} or {@code TIMED_OUT} if it failed;
   *     {@code CANCELLED} if superseded (another attempt won or the call ended first)
   * @param endNanos when a winner's task returned (read then, not when the outcome is delivered); unused
   *     otherwise
   */
  public void attemptEnded(LoopCall call, int index, long startNanos, @Nullable Outcome how, long endNanos) {
    if (!learns || index != 0 || !call.claimFirstAttemptRecord()) {
      return; // nothing learns, not attempt 0, recorded already, or not sampled (claimed at the call's start)
    }
    if (how == null) {
      delay.recordSuccess(Nanos.since(endNanos, startNanos));
    } else if (how == Outcome.CANCELLED || how == Outcome.TIMED_OUT) {
      delay.recordCensored(); // it ran longer than it was allowed to, without success
    } // a failure says nothing about how long a success takes
  }

  /**
   * The call was decided, once per call, on the deciding thread, after the losers were cancelled and
   * before the outcome is handed out: counts it, ends its count in the budget's calls in flight, and a
   * success funds the budget.
   *
   * @param winner how the winning attempt started, or null for a call without a winner
   */
  public void callEnded(LoopCall call, @Nullable Trigger winner) {
    TokenBudget budget = this.budget;
    if (budget != null) {
      budget.callEnded(winner != null);
    }
    HedgeCounters counters = this.counters;
    if (counters == null) {
      return;
    }
    if (winner == null) {
      counters.callFailed();
      return;
    }
    counters.callSucceeded(winner == Trigger.HEDGE);
    if (winner == Trigger.HEDGE) { // attempt 0 started with the call: its running time is the call's so far
      counters.hedgeWonAfter(Nanos.since(call.now(), call.startNanos()));
    }
  }

  /**
   * Counts a call that starts (each extra attempt it starts is counted by {@link #countLaunch}); the
   * budget counts it in flight until {@link #callEnded}; the delay decides whether its first attempt is
   * recorded (sampling: decided before any clock read, whatever the outcome). Once per call, before its
   * first attempt starts.
   */
  public void callStarted(LoopCall call) {
    TokenBudget budget = this.budget;
    if (budget != null) {
      budget.callStarted();
    }
    if (learns && !delay.sampled()) {
      call.skipFirstAttemptRecord();
    }
    HedgeCounters counters = this.counters;
    if (counters != null) {
      counters.callStarted();
    }
  }

  /** Counts a hedge or failover a call reserved. */
  public void countLaunch(Trigger trigger) {
    HedgeCounters counters = this.counters;
    if (counters != null) {
      if (trigger == Trigger.HEDGE) {
        counters.hedgeStarted();
      } else if (trigger == Trigger.FAILOVER) {
        counters.failoverStarted();
      } // the first attempt is counted with its call (callStarted)
    }
  }

  /**
   * Returns the statistics of the policy now.
   *
   * @return a snapshot
   * @throws IllegalStateException if the policy keeps no statistics (only the library's own policies)
   */
  public HedgeStatistics statistics() {
    HedgeCounters counters = this.counters;
    if (counters == null) {
      throw new IllegalStateException("this policy keeps no statistics");
    }
    long next = maxAttempts > 1 ? delay.delayNanos(1) : Nanos.NEVER;
    return counters.snapshot(delay.mode(), next, delay.quantiles());
  }
}
