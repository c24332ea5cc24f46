package dev.redundant;

import org.jspecify.annotations.Nullable;

/**
 * The failure recorded for an attempt whose value the policy's
 * {@linkplain HedgeBuilder#rejectIf(java.util.function.Predicate) result predicate} rejected (an HTTP 503,
 * an invalid model answer). Never thrown to the caller on its own; it appears in
 * {@link AllAttemptsFailedException#failures()}.
 *
 * <p>The rejected value is kept for inspection; when it is {@link AutoCloseable} the library has already
 * closed it.
 *
 * <p>When the predicate itself threw, the value counts as rejected and what the predicate threw is the
 * {@linkplain #getCause() cause}.
 *
 * <p><b>Serialization:</b> the value is not serialized; {@link #value()} returns {@code null} after a
 * round trip.
 *
 * <p><b>Thread safety:</b> immutable (the value is whatever the task returned).
 */
public class RejectedResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient @Nullable Object value;

  /**
   * Creates the exception.
   *
   * @param index the attempt's index
   * @param value the rejected value, possibly {@code null}
   */
  public RejectedResultException(int index, @Nullable Object value) {
    this(index, value, null);
  }

  /**
   * Creates the exception for a value whose predicate threw.
   *
   * @param index the attempt's index
   * @param value the rejected value, possibly {@code null}
   * @param predicateFailure what the predicate threw, or {@code null} if it returned true
   */
  public RejectedResultException(int index, @Nullable Object value, @Nullable Throwable predicateFailure) {
    super(predicateFailure == null ? "Attempt " + index + " returned a rejected result"
        : "Attempt " + index + " returned a result that the predicate could not test", predicateFailure,
        false, false);
    this.value = value;
  }

  /**
   * Returns the rejected value.
   *
   * @return the value the attempt returned, possibly {@code null}; discarded already (closed if
   *     {@link AutoCloseable}, or given to {@link HedgeBuilder#onDiscard}); {@code null} after
   *     deserialization
   */
  public @Nullable Object value() {
    return value;
  }
}
