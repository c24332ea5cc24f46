package dev.redundant;

import java.time.Duration;

/**
 * The failure recorded for an attempt that ran past its
 * {@linkplain HedgeBuilder#attemptTimeout(Duration) attempt timeout}: the attempt was cancelled and
 * counted as failed, which starts the next attempt. Never thrown to the caller on its own; it appears in
 * {@link AllAttemptsFailedException#failures()}.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public class AttemptTimeoutException extends java.util.concurrent.TimeoutException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param index the attempt's index
   * @param timeout the attempt timeout it exceeded
   */
  public AttemptTimeoutException(int index, Duration timeout) {
    super("Attempt " + index + " timed out after " + timeout);
  }
}
