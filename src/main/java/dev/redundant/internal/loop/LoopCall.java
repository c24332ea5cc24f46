package dev.redundant.internal.loop;

import dev.redundant.Attempt.Trigger;
import dev.redundant.HedgeListener.SkippedAttempt;

/**
 * One call as the {@link ClosedLoop} sees and steers it: the loop's only door into a call, as
 * {@code ClockedCall} is the clock's. The race implements it; the loop's unit tests implement it with a few
 * fields.
 *
 * <p>What the loop keeps per call lives in the call, behind this door: whether its hedging was stopped by a
 * refusal, and the claim on its first attempt's record (at most one record per call, whoever ends the
 * attempt: its own thread, a canceller, a deciding winner).
 *
 * <p><b>Thread safety:</b> every method may be called from any thread of the call (caller, clock watcher,
 * attempt threads), concurrently.
 */
public interface LoopCall {

  /** The clock's reading when the call started. */
  long startNanos();

  /** The call's time limit from its start, or {@code Nanos.NEVER} for none. */
  long timeoutNanos();

  /** Reads the call's clock now; a clock that throws ends the call, and the call's start is returned. */
  long now();

  /** Whether a refused hedge stopped the call's hedging: it starts no more hedges (failovers may start). */
  boolean hedgingStopped();

  /**
   * The loop refused attempt {@code index}: a hedge stops the call's hedging, a failover is noted so that
   * the call ends with {@code reason} when nothing else runs; the listener is told.
   *
   * @param now the reading the refusal was judged at
   */
  void refused(int index, Trigger trigger, SkippedAttempt.Reason reason, long now);

  /** A clock the loop reads (the budget's) threw: the call ends as when its own clock throws. */
  void clockFailed(Throwable failure);

  /** Claims the record of the call's first attempt: true exactly once per call, for whoever records it. */
  boolean claimFirstAttemptRecord();

  /** Whether the first attempt's record was claimed already (or skipped: the call is not sampled). */
  boolean firstAttemptRecordClaimed();

  /** The call is not sampled: its first attempt is never recorded. Called before it starts. */
  void skipFirstAttemptRecord();
}
