package dev.redundant.internal;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.HedgeListener.SkippedAttempt;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The closed loop of one policy: what its calls learn from and feed back into, in four hook points that
 * {@link Race} calls at fixed moments of a call.
 * <ul>
 * <li>{@link #mayLaunch} (whether to start a hedge or failover: the deadline, then the budget);</li>
 * <li>{@link #hedgeDelayNanos} (the fixed or learnt delay before the next attempt);</li>
 * <li>{@link #firstAttemptEnded} (attempt 0's outcome, which the delay is learnt from);</li>
 * <li>{@link #callEnded} (the call's: statistics, budget deposit).</li>
 * </ul>
 * It also counts the attempts a call starts ({@link #callStarted}, {@link #countLaunch}) for the statistics,
 * and {@link #callStarted} / {@link #callEnded} bracket every call for the budget's count of calls in flight,
 * from which its reserve grows.
 *
 * <p>The loop holds only per-policy state: {@code estimator} (adaptive delay), {@code budget} and
 * {@code counters} (statistics), each {@code null} when the policy does not use it, so that a policy pays
 * only for what it uses ({@code Redundant.firstSuccess}'s shared policies have none of them), and each hook
 * does nothing for a policy without the feature it serves. Per-call facts come in as arguments: the call
 * itself where a hook reads its clock or records a refusal on it, plain values otherwise. No hook
 * allocates for a call that uses none of the features.
 *
 * <p><b>Thread safety:</b> immutable; one per policy, its hooks called concurrently by every call of it,
 * from callers, clock watchers and attempt threads. The estimator, budget and counters are thread-safe.
 */
final class ClosedLoop {
  /** The fixed hedge delays, {@code delayNanos[i]} before attempt {@code i >= 1}; the warm-up delays if adaptive. */
  private final long[] delayNanos;
  /** Learns the hedge delay, or null for fixed delays. */
  final @Nullable DelayEstimator estimator;
  /** Whether hedges and failovers that cannot finish before the deadline are skipped (adaptive only). */
  private final boolean deadlineAware;
  /** Funds hedges and failovers, or null for no budget. */
  private final @Nullable TokenBudget budget;
  /** The statistics' counts, or null for a policy that keeps none. */
  final @Nullable HedgeCounters counters;
  /** Tells the listener of skipped attempts, or null for a policy without a listener. */
  private final @Nullable EventRelay events;

  ClosedLoop(long[] delayNanos, @Nullable DelayEstimator estimator, boolean deadlineAware, @Nullable TokenBudget budget,
      @Nullable HedgeCounters counters, @Nullable EventRelay events) {
    this.delayNanos = delayNanos;
    this.estimator = estimator;
    this.deadlineAware = deadlineAware;
    this.budget = budget;
    this.counters = counters;
    this.events = events;
  }

  /**
   * Hook (a): whether to start attempt {@code index} as a hedge or failover (not called for the first
   * attempt). Every launch but the first passes here once, before its index is reserved; a refusal
   * leaves the index free. Refused: an attempt that a deadline-aware adaptive delay judges cannot finish
   * in the time left (checked first, so that no token is spent on it), then one the budget has no token
   * for. A refused hedge stops the call's hedging ({@link #hedgeDelayNanos} is then NEVER, so the clock
   * does not ask again); a refused failover with no attempt left running ends the call
   * ({@code Race.endIfNothingRuns}).
   *
   * @param call the call that asks
   * @param now the clock's reading, against which the deadline is checked
   */
  @SuppressWarnings("NullAway") // deadlineAware is true only with an estimator (RaceConfig)
  boolean mayLaunch(Race<?> call, int index, Trigger trigger, long now) {
    if (trigger == Trigger.HEDGE && call.hedgingStopped()) {
      return false;
    }
    if (deadlineAware && call.timeoutNanos() != Nanos.NEVER) {
      long typical = estimator.typicalSuccessNanos();
      if (typical != DelayEstimator.UNKNOWN
          && Nanos.remaining(now, call.startNanos(), call.timeoutNanos()) < typical) {
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

  /** Records a refused launch: stops hedging or notes the failover, counts it, tells the listener. */
  private void refused(Race<?> call, int index, Trigger trigger, long now, SkippedAttempt.Reason reason) {
    boolean byBudget = reason == SkippedAttempt.Reason.BUDGET;
    if (trigger == Trigger.HEDGE) {
      call.stopHedging();
    } else {
      call.failoverRefused(byBudget ? CallEnd.NO_BUDGET : CallEnd.NO_TIME);
    }
    HedgeCounters counters = this.counters;
    if (counters != null) {
      if (byBudget) {
        counters.deniedByBudget();
      } else {
        counters.skippedForDeadline();
      }
    }
    if (Race.LOG.isDebugEnabled()) {
      Race.debug("Attempt {} ({}) not started: {}", index, trigger,
          byBudget ? "no budget" : "too close to the deadline");
    }
    if (events != null) {
      events.skipped(
          new SkippedAttempt(index, trigger, reason, Duration.ofNanos(Math.max(0, now - call.startNanos()))));
    }
  }

  /**
   * Hook (b): the hedge delay before attempt {@code index >= 1} starts, after the previous start: the
   * policy's fixed delay, or the learnt one (the fixed delay during warm-up); NEVER once the call's hedging
   * was stopped by a refusal.
   *
   * @param noMoreHedges whether the call's hedging was stopped
   */
  long hedgeDelayNanos(int index, boolean noMoreHedges) {
    if (noMoreHedges) {
      return Nanos.NEVER;
    }
    long fixed = delayNanos[index];
    DelayEstimator estimator = this.estimator;
    return estimator == null ? fixed : estimator.delayNanos(fixed);
  }

  /**
   * Whether the end time of attempt {@code index}'s success is needed: the adaptive delay learns it.
   *
   * @param call the call
   * @param index the attempt's index
   * @return whether {@link #firstAttemptEnded} needs {@code endNanos}: not for a call whose first attempt
   *     is not sampled, so that its clock is not read
   */
  boolean needsEndTime(Race<?> call, int index) {
    return index == 0 && estimator != null && !call.firstAttemptRecordClaimed();
  }

  /**
   * Hook (c): an attempt ended, on the thread that owns its outcome. Only attempt 0 teaches the delay,
   * once per call (the call's {@code claimFirstAttemptRecord}), before the call's outcome is handed out.
   *
   * @param call the call
   * @param how {@code null} if it won; {@code FAILED}, {@code REJECTED} or {@code TIMED_OUT} if it failed;
   *     {@code CANCELLED} if superseded (another attempt won or the call ended first)
   * @param endNanos when a winner's task returned (read then, not when the outcome is delivered); unused
   *     otherwise
   */
  void firstAttemptEnded(Race<?> call, AttemptRun run, @Nullable Outcome how, long endNanos) {
    DelayEstimator estimator = this.estimator;
    if (estimator == null || run.index() != 0 || !call.claimFirstAttemptRecord()) {
      return; // not attempt 0, recorded already, or not sampled (claimed at the call's start)
    }
    if (how == null) {
      estimator.recordSuccess(Math.max(0, endNanos - run.startNanos));
    } else if (how == Outcome.CANCELLED || how == Outcome.TIMED_OUT) {
      estimator.recordCensored(); // it ran longer than it was allowed to, without success
    } // a failure says nothing about how long a success takes
  }

  /**
   * Hook (d): the call was decided, once per call, on the deciding thread, after the losers were
   * cancelled and before the outcome is handed out: counts it, ends its count in the budget's calls in
   * flight, and a success funds the budget.
   *
   * @param winner the winning attempt, or null for a call without a winner
   */
  void callEnded(@Nullable AttemptRun winner) {
    TokenBudget budget = this.budget;
    if (budget != null) {
      budget.callEnded(winner != null);
    }
    HedgeCounters counters = this.counters;
    if (winner == null) {
      if (counters != null) {
        counters.callFailed();
      }
      return;
    }
    if (counters != null) {
      counters.callSucceeded(winner.isHedge());
      if (winner.isHedge()) { // attempt 0 started with the call: its running time is the call's so far
        counters.hedgeWonAfter(winner.sinceCallStart().toNanos());
      }
    }
  }

  /**
   * Counts a call that starts (each hedge it starts with is counted by {@link #countLaunch}); the budget
   * counts it in flight until {@link #callEnded}; the adaptive delay decides whether to record its first
   * attempt (sampling: decided before any clock read, whatever the outcome). Called once per call,
   * before its first attempt starts.
   */
  void callStarted(Race<?> call) {
    TokenBudget budget = this.budget;
    if (budget != null) {
      budget.callStarted();
    }
    DelayEstimator estimator = this.estimator;
    if (estimator != null && !estimator.sampled()) {
      call.skipFirstAttemptRecord();
    }
    HedgeCounters counters = this.counters;
    if (counters != null) {
      counters.callStarted();
    }
  }

  /** Counts a hedge or failover the call reserved. */
  void countLaunch(Trigger trigger) {
    HedgeCounters counters = this.counters;
    if (counters != null) {
      if (trigger == Trigger.HEDGE) {
        counters.hedgeStarted();
      } else if (trigger == Trigger.FAILOVER) {
        counters.failoverStarted();
      } // the first attempt is counted with its call (callStarted)
    }
  }
}
