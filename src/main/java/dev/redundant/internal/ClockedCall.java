package dev.redundant.internal;

/**
 * What the {@link CallClock} may see of and do to a call: the narrow interface between the clock and
 * {@link Race}. Every method may be called from the waiting thread (a synchronous caller or the clock
 * watcher of an asynchronous call) while attempt threads act on the call.
 */
interface ClockedCall {
  /** Whether the call has ended (a winner, or an end being decided). */
  boolean isDecided();

  /** The clock's reading now; never throws (a throwing clock ends the call and yields a fallback). */
  long now();

  /** The clock's reading when the call started. */
  long startNanos();

  /** The call's time limit from {@link #startNanos()}: the policy's timeout or the call's own; or NEVER. */
  long timeoutNanos();

  /**
   * The start of the latest attempt, from which the next hedge delay counts. Written before the count of
   * started attempts grows, so a reader that sees a count sees a start at least as recent.
   */
  long latestStartNanos();

  /** The most attempts the call may start. */
  int maxAttempts();

  /** The count of attempts reserved so far; a stale (lower) count is safe, see {@link Race}. */
  int startedCount();

  /** The attempts published so far (at most {@link #startedCount()}): {@code published(i)} for each. */
  int publishedCount();

  /** Attempt {@code i}, or {@code null} if reserved but not yet published. */
  AttemptRun published(int i);

  /** Hook: the hedge delay before attempt {@code index} (>= 1) starts; {@link Nanos#NEVER}: none. */
  long hedgeDelayNanos(int index);

  /** The call timeout elapsed: end the call. */
  void timeOut();

  /** Attempt {@code run} ran past its attempt timeout at {@code now}: fail it and go on. */
  void timeOutAttempt(AttemptRun run, long now);

  /**
   * A hedge is due: start the next attempt unless the call ended, used every attempt or may not launch.
   *
   * @return whether an attempt started
   */
  boolean startHedge();

  /** The policy's {@link dev.redundant.TimeSource} threw: end the call with it. */
  void clockFailed(Throwable failure);
}
