package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How one attempt of a failed call ended. {@link AllAttemptsFailedException#attempts()} holds one per
 * attempt that started, in attempt order.
 *
 * <p><b>Thread safety:</b> immutable. Serializable when its failure is.
 *
 * @param index the attempt's 0-based {@linkplain Attempt#index() index}
 * @param outcome how it ended
 * @param duration from the attempt's start to its end (for a cancelled attempt: to its cancellation)
 * @param failure what it failed with: the exception exactly as the task threw it for
 *     {@link Outcome#FAILED}, a {@link RejectedResultException} for {@link Outcome#REJECTED}, an
 *     {@link AttemptTimeoutException} for {@link Outcome#TIMED_OUT}; {@code null} for
 *     {@link Outcome#CANCELLED}
 */
public record AttemptReport(int index, Outcome outcome, Duration duration, Throwable failure)
    implements java.io.Serializable {

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if {@code index} is negative, or {@code failure} is null for an
   *     outcome other than {@code CANCELLED}
   * @throws NullPointerException if {@code outcome} or {@code duration} is null
   */
  public AttemptReport {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    requireNonNull(outcome, "outcome");
    requireNonNull(duration, "duration");
    if (failure == null && outcome != Outcome.CANCELLED) {
      throw new IllegalArgumentException("failure must not be null for outcome " + outcome);
    }
  }

  /** How an attempt that did not win ended. */
  public enum Outcome {
    /** The task threw; {@link #failure()} is what it threw. */
    FAILED,
    /** The task returned a value that the policy's result predicate rejected. */
    REJECTED,
    /** The attempt ran past its attempt timeout and was cancelled. */
    TIMED_OUT,
    /** The call ended (a fatal failure, the call timeout, or the caller) while the attempt ran. */
    CANCELLED
  }
}
