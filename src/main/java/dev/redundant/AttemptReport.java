package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How one attempt of a call ended. {@link AllAttemptsFailedException#attempts()} holds one per attempt
 * that started, in attempt order, for a call that failed; {@link HedgeResult#attempts()} the same for a
 * call that succeeded, where the winner is {@link Outcome#SUCCEEDED}.
 *
 * <p><b>Thread safety:</b> immutable. Serializable when its failure is.
 *
 * @param index the attempt's 0-based {@linkplain Attempt#index() index}
 * @param outcome how it ended
 * @param duration from the attempt's start to its end (for a cancelled attempt: to its cancellation)
 * @param failure what it failed with: the exception exactly as the task threw it for
 *     {@link Outcome#FAILED}, a {@link RejectedResultException} for {@link Outcome#REJECTED}, an
 *     {@link AttemptTimeoutException} for {@link Outcome#TIMED_OUT}; {@code null} for
 *     {@link Outcome#CANCELLED} and {@link Outcome#SUCCEEDED}
 * @param replica the index of the {@linkplain Replicas replica} the attempt was sent to, or
 *     {@link Attempt#NOT_ROUTED} for a policy that does not route ({@link Attempt#replicaIndex()})
 */
public record AttemptReport(int index, Outcome outcome, Duration duration, @Nullable Throwable failure,
    int replica) implements java.io.Serializable {

  /**
   * A report of an attempt that was not routed ({@code replica} is {@link Attempt#NOT_ROUTED}).
   *
   * @param index the attempt's index
   * @param outcome how it ended
   * @param duration from its start to its end
   * @param failure what it failed with, as for the canonical constructor
   */
  public AttemptReport(int index, Outcome outcome, Duration duration, @Nullable Throwable failure) {
    this(index, outcome, duration, failure, Attempt.NOT_ROUTED);
  }

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if {@code index} is negative, {@code failure} is null for an
   *     outcome other than {@code CANCELLED} and {@code SUCCEEDED}, or not null for {@code SUCCEEDED}, or
   *     {@code replica} is below -1
   * @throws NullPointerException if {@code outcome} or {@code duration} is null
   */
  public AttemptReport {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    requireNonNull(outcome, "outcome");
    requireNonNull(duration, "duration");
    if (failure == null && outcome != Outcome.CANCELLED && outcome != Outcome.SUCCEEDED) {
      throw new IllegalArgumentException("failure must not be null for outcome " + outcome);
    }
    if (failure != null && outcome == Outcome.SUCCEEDED) {
      throw new IllegalArgumentException("failure must be null for outcome SUCCEEDED");
    }
    if (replica < Attempt.NOT_ROUTED) {
      throw new IllegalArgumentException("replica must be >= -1 (Attempt.NOT_ROUTED), was " + replica);
    }
  }

  /** How an attempt ended. */
  public enum Outcome {
    /** The task threw; {@link #failure()} is what it threw. */
    FAILED,
    /** The task returned a value that the policy's result predicate rejected. */
    REJECTED,
    /** The attempt ran past its attempt timeout and was cancelled. */
    TIMED_OUT,
    /**
     * The call ended (another attempt won, a fatal failure, the call timeout, or the caller) while the
     * attempt ran, or its value arrived after another attempt's had won.
     */
    CANCELLED,
    /** The attempt's value won the call; only in a {@link HedgeResult}. */
    SUCCEEDED
  }
}
