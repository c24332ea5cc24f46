package dev.redundant;

import java.time.Duration;
import java.util.List;

/**
 * Thrown when a call reaches its {@linkplain HedgeBuilder#timeout(Duration) timeout} before any attempt
 * succeeded. Every attempt still running was cancelled; {@link #failures()} holds the failures so far.
 *
 * <p><b>Thread safety:</b> as {@link AllAttemptsFailedException}.
 */
public class HedgeTimeoutException extends AllAttemptsFailedException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  /**
   * Creates the exception.
   *
   * @param timeout the call timeout that elapsed
   * @param attempts one report per attempt that started, in attempt order; copied
   * @throws NullPointerException if an argument is null
   */
  public HedgeTimeoutException(Duration timeout, List<AttemptReport> attempts) {
    super("Call timed out after " + java.util.Objects.requireNonNull(timeout, "timeout"), attempts);
    this.timeout = timeout;
  }

  /**
   * Returns the call timeout that elapsed.
   *
   * @return the policy's call timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
