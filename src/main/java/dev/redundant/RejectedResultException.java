package dev.redundant;

/**
 * The failure recorded for an attempt whose value the policy's
 * {@linkplain HedgeBuilder#rejectIf(java.util.function.Predicate) result predicate} rejected (an HTTP 503,
 * an invalid model answer). Never thrown to the caller on its own; it appears in
 * {@link AllAttemptsFailedException#failures()}.
 *
 * <p>The rejected value is kept for inspection; when it is {@link AutoCloseable} the library has already
 * closed it.
 *
 * <p><b>Thread safety:</b> immutable (the value is whatever the task returned).
 */
public class RejectedResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Object value;

  /**
   * Creates the exception.
   *
   * @param index the attempt's index
   * @param value the rejected value, possibly {@code null}
   */
  public RejectedResultException(int index, Object value) {
    super("Attempt " + index + " returned a rejected result", null, false, false);
    this.value = value;
  }

  /**
   * Returns the rejected value.
   *
   * @return the value the attempt returned, possibly {@code null}; closed already if {@link AutoCloseable}
   */
  public Object value() {
    return value;
  }
}
