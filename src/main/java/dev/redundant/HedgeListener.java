package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Receives the events of calls made through a {@link Hedge}. Every method has a no-op default: implement
 * the ones you need. A policy without a listener does no event work at all.
 *
 * <p>For one event, a factory saves the anonymous class:
 *
 * <pre>{@code
 * Hedge<Quote> hedge = Hedge.builder()
 *     .listener(HedgeListener.of(
 *         HedgeListener.onHedge(attempt -> hedges.increment()),
 *         HedgeListener.onFailure(report -> log.warn("attempt {} {}", report.index(), report.outcome(),
 *             report.failure()))))
 *     .build();
 * }</pre>
 *
 * <p><b>Order of a call's events</b>, on every path (a winner, failures, timeouts, fatal failures, a
 * refused hedge or failover, a cancelled call, attempts that return a stage):
 * <ul>
 * <li>{@link #onAttemptStarted} comes first for its attempt, before anything can end it;
 *     {@link #onHedgeStarted} follows it for a hedge. The first attempt is announced before any hedge
 *     that starts with it is asked for, so an {@link #onAttemptSkipped} of the call's start follows the
 *     first attempt's {@code onAttemptStarted}.</li>
 * <li>Each attempt then gets at most one of {@link #onAttemptSucceeded} (the winner),
 *     {@link #onAttemptFailed} or {@link #onAttemptCancelled}.</li>
 * <li>{@link #onCallFinished} comes last, once, after every other event of the call, including a
 *     failure reported by an attempt that failed just as another won.</li>
 * <li>Events of different attempts may arrive in any order between these bounds, from different threads.</li>
 * </ul>
 *
 * <p><b>Events and the caller:</b> the call's counts ({@link Hedge#statistics()}), the budget's deposit
 * and the adaptive delay's record are updated before the caller sees the outcome. Listener events are
 * sent after: {@code onAttemptSucceeded} and {@code onCallFinished} may arrive after {@code call}
 * returned (or the future completed). A test that counts events waits for {@code onCallFinished}.
 *
 * <p><b>Threads:</b> each method runs on the thread where the event happens (an attempt's thread, the
 * caller's thread, or the call's timer thread), possibly on several threads at once. Methods must be quick
 * and must not block. An exception a method throws is logged at warn level and otherwise ignored.
 *
 * <p><b>Thread safety:</b> an implementation must be thread-safe; the listeners the factories return are,
 * when their actions are.
 */
public interface HedgeListener {

  /**
   * An attempt was started (handed to the executor, or for a {@link StageTask} invoked). Called before
   * its task runs.
   *
   * @param attempt the attempt
   */
  default void onAttemptStarted(Attempt attempt) {}

  /**
   * A hedge was started: an attempt begun while earlier ones still ran, because none had succeeded
   * within its delay (or its delay was zero). Called after {@link #onAttemptStarted} for the same attempt.
   *
   * @param attempt the hedge; {@link Attempt#isHedge()} is true
   */
  default void onHedgeStarted(Attempt attempt) {}

  /**
   * An attempt succeeded and its value won the call.
   *
   * @param attempt the winning attempt
   * @param duration how long the attempt ran
   */
  default void onAttemptSucceeded(Attempt attempt, Duration duration) {}

  /**
   * An attempt failed: its task threw, its value was rejected, or it timed out.
   *
   * @param attempt the attempt
   * @param report how it ended; {@link AttemptReport#outcome()} is {@code FAILED}, {@code REJECTED} or
   *     {@code TIMED_OUT}
   */
  default void onAttemptFailed(Attempt attempt, AttemptReport report) {}

  /**
   * An attempt still running when the call ended was cancelled: its thread interrupted, or for a
   * {@link StageTask} its stage cancelled.
   *
   * @param attempt the attempt
   */
  default void onAttemptCancelled(Attempt attempt) {}

  /**
   * A hedge or failover was not started: the policy's {@link HedgeBudget} had no token for it, or a
   * deadline-aware {@link AdaptiveDelay} judged that it could not finish before the call's deadline. No
   * attempt in flight is affected. After a skipped hedge the call starts no more hedges; after a skipped
   * failover with no attempt left running the call ends with the failures so far.
   *
   * @param skipped which attempt, why, and when
   */
  default void onAttemptSkipped(SkippedAttempt skipped) {}

  /**
   * The call ended: it has a winner, or it failed, timed out, or its caller gave up.
   *
   * @param summary what happened
   */
  default void onCallFinished(CallSummary summary) {}

  /**
   * Returns a listener of hedges only: {@code action} receives each attempt that starts as a hedge
   * ({@link #onHedgeStarted}), for example to count them.
   *
   * @param action runs on the thread that starts the hedge; quick and non-blocking
   * @return a new listener
   * @throws NullPointerException if {@code action} is null
   */
  static HedgeListener onHedge(Consumer<? super Attempt> action) {
    return new SingleEventListeners.OnHedge(requireNonNull(action, "action"));
  }

  /**
   * Returns a listener of failed attempts only: {@code action} receives the report of each attempt that
   * failed, was rejected or timed out ({@link #onAttemptFailed}), for example to log it.
   *
   * @param action runs on the thread where the attempt failed; quick and non-blocking
   * @return a new listener
   * @throws NullPointerException if {@code action} is null
   */
  static HedgeListener onFailure(Consumer<? super AttemptReport> action) {
    return new SingleEventListeners.OnFailure(requireNonNull(action, "action"));
  }

  /**
   * Returns a listener of whole calls only: {@code action} receives the summary of each call when it ends
   * ({@link #onCallFinished}), for example to record its duration and how many hedges it started.
   *
   * @param action runs on the thread that ends the call; quick and non-blocking
   * @return a new listener
   * @throws NullPointerException if {@code action} is null
   */
  static HedgeListener afterCall(Consumer<? super CallSummary> action) {
    return new SingleEventListeners.AfterCall(requireNonNull(action, "action"));
  }

  /**
   * Returns a listener that passes every event to each of {@code listeners}, in the order given. A
   * listener that throws does not keep the event from the ones after it; once all have run, the first
   * exception is rethrown with the others suppressed (and the policy logs it, as for any listener).
   *
   * @param listeners one or more listeners, none of them null; the array is copied
   * @return {@code listeners[0]} when there is only one, otherwise a new listener
   * @throws NullPointerException if {@code listeners} or one of its elements is null
   * @throws IllegalArgumentException if {@code listeners} is empty
   */
  static HedgeListener of(HedgeListener... listeners) {
    return CompositeListener.of(listeners);
  }

  /**
   * What one call did.
   *
   * @param succeeded whether an attempt won; {@code outcome == Outcome.SUCCEEDED}
   * @param attemptsStarted how many attempts started, between 1 and {@code maxAttempts}
   * @param hedgesStarted how many of them were {@linkplain Attempt#isHedge() hedges}
   * @param winner the winning attempt's index, or -1 without a winner
   * @param duration from the start of the call to its end
   * @param failoversStarted how many of them were failovers ({@link Attempt.Trigger#FAILOVER})
   * @param outcome how the call ended: with a winner, or why without one
   */
  record CallSummary(boolean succeeded, int attemptsStarted, int hedgesStarted, int winner,
      Duration duration, int failoversStarted, Outcome outcome) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code duration} or {@code outcome} is null
     * @throws IllegalArgumentException if {@code succeeded} disagrees with {@code outcome}
     */
    public CallSummary {
      requireNonNull(duration, "duration");
      requireNonNull(outcome, "outcome");
      if (succeeded != (outcome == Outcome.SUCCEEDED)) {
        throw new IllegalArgumentException("succeeded (" + succeeded + ") disagrees with outcome " + outcome);
      }
    }

    /**
     * A summary whose outcome follows from {@code succeeded} ({@code SUCCEEDED} or {@code ALL_FAILED}), as
     * before {@code outcome} existed.
     *
     * @param succeeded whether an attempt won
     * @param attemptsStarted how many attempts started
     * @param hedgesStarted how many of them were hedges
     * @param winner the winning attempt's index, or -1 without a winner
     * @param duration from the start of the call to its end
     * @param failoversStarted how many of them were failovers
     */
    public CallSummary(boolean succeeded, int attemptsStarted, int hedgesStarted, int winner, Duration duration,
        int failoversStarted) {
      this(succeeded, attemptsStarted, hedgesStarted, winner, duration, failoversStarted,
          succeeded ? Outcome.SUCCEEDED : Outcome.ALL_FAILED);
    }

    /**
     * A summary without failovers, as before {@code failoversStarted} existed.
     *
     * @param succeeded whether an attempt won
     * @param attemptsStarted how many attempts started
     * @param hedgesStarted how many of them were hedges
     * @param winner the winning attempt's index, or -1 without a winner
     * @param duration from the start of the call to its end
     */
    public CallSummary(boolean succeeded, int attemptsStarted, int hedgesStarted, int winner, Duration duration) {
      this(succeeded, attemptsStarted, hedgesStarted, winner, duration, 0);
    }

    /** How a call ended; every outcome but {@code SUCCEEDED} is the call's failure. */
    public enum Outcome {
      /** An attempt won: the call returned its value. */
      SUCCEEDED,
      /** Every attempt failed: {@link AllAttemptsFailedException}. */
      ALL_FAILED,
      /** An attempt failed with a failure the policy classifies as fatal: {@link FatalFailureException}. */
      FATAL,
      /** The call's timeout or deadline passed: {@link HedgeTimeoutException}. */
      TIMED_OUT,
      /**
       * Every attempt started had failed and the {@link HedgeBudget} denied the failover:
       * {@link AllAttemptsFailedException}.
       */
      DENIED_BY_BUDGET,
      /**
       * Every attempt started had failed and the failover was skipped, too close to the deadline:
       * {@link AllAttemptsFailedException}.
       */
      SKIPPED_FOR_DEADLINE,
      /** The caller gave up: it was interrupted, or its future was cancelled or completed from outside. */
      CANCELLED,
      /**
       * An attempt threw a {@link VirtualMachineError} or {@link AssertionError}, or the policy's
       * {@link TimeSource} threw: the caller gets that throwable itself.
       */
      ERROR
    }
  }

  /**
   * A hedge or failover that was not started.
   *
   * @param index the attempt index it would have had
   * @param trigger {@link Attempt.Trigger#HEDGE} or {@link Attempt.Trigger#FAILOVER}
   * @param reason why it was not started
   * @param sinceCallStart the time from the start of the call
   */
  record SkippedAttempt(int index, Attempt.Trigger trigger, Reason reason, Duration sinceCallStart) {

    /** Why an attempt was not started. */
    public enum Reason {
      /** The policy's {@link HedgeBudget} had no token for it. */
      BUDGET,
      /** The time left before the call's deadline was below a typical successful attempt. */
      DEADLINE
    }
  }
}
