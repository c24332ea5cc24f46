package dev.redundant;

import java.time.Duration;

/**
 * Receives the events of calls made through a {@link Hedge}. Every method has a no-op default: implement
 * the ones you need. A policy without a listener does no event work at all.
 *
 * <p><b>Threads:</b> each method runs on the thread where the event happens (an attempt's thread, the
 * caller's thread, or the call's timer thread), possibly on several threads at once. Methods must be quick
 * and must not block. An exception a method throws is logged at warn level and otherwise ignored.
 */
public interface HedgeListener {

  /**
   * An attempt was started (handed to the executor). Called before its task runs.
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
   * An attempt still running when the call ended was cancelled (its thread interrupted).
   *
   * @param attempt the attempt
   */
  default void onAttemptCancelled(Attempt attempt) {}

  /**
   * The call ended: it has a winner, or it failed, timed out, or its caller gave up.
   *
   * @param summary what happened
   */
  default void onCallFinished(CallSummary summary) {}

  /**
   * What one call did.
   *
   * @param succeeded whether an attempt won
   * @param attemptsStarted how many attempts started, between 1 and {@code maxAttempts}
   * @param hedgesStarted how many of them were {@linkplain Attempt#isHedge() hedges}
   * @param winner the winning attempt's index, or -1 without a winner
   * @param duration from the start of the call to its end
   */
  record CallSummary(boolean succeeded, int attemptsStarted, int hedgesStarted, int winner,
      Duration duration) {}
}
