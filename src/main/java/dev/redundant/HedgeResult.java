package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What a successful call returned and how it got there: the winner's value, which attempt won, how every
 * attempt that started ended, and how long the call took. Returned by {@link Hedge#callForResult} and
 * {@link Hedge#callForResultAsync}; a call that fails throws {@link AllAttemptsFailedException}, whose
 * {@link AllAttemptsFailedException#attempts() attempts()} says the same for a failure.
 *
 * <p>The winner's report is {@link AttemptReport.Outcome#SUCCEEDED}; the other attempts are reported as
 * they ended: {@code FAILED}, {@code REJECTED} or {@code TIMED_OUT} before the winner, or {@code CANCELLED}
 * (still running when the winner won, or their value came second).
 *
 * <p><b>Thread safety:</b> an immutable record (the value is whatever the task returned).
 *
 * @param value the winner's value, possibly {@code null}
 * @param winner the winning attempt's index
 * @param attempts one report per attempt that started, in attempt order; unmodifiable
 * @param duration from the start of the call until the winner won
 * @param <T> the value type
 */
public record HedgeResult<T>(T value, int winner, List<AttemptReport> attempts, Duration duration) {

  /**
   * Checks and copies the components.
   *
   * @throws NullPointerException if {@code attempts}, one of its elements, or {@code duration} is null
   * @throws IllegalArgumentException if {@code winner} is negative
   */
  public HedgeResult {
    if (winner < 0) {
      throw new IllegalArgumentException("winner must be >= 0, was " + winner);
    }
    attempts = List.copyOf(requireNonNull(attempts, "attempts"));
    requireNonNull(duration, "duration");
  }
}
