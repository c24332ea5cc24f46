package dev.redundant;

import java.util.List;

/**
 * Thrown when an attempt fails with a failure that the policy classifies as fatal
 * ({@link HedgeBuilder#fatalIf}): the call cancelled every other attempt and ended at once. The fatal
 * failure is {@link #fatalFailure()}; the other attempts are reported as in the parent class.
 *
 * <p><b>Thread safety:</b> as {@link AllAttemptsFailedException}.
 */
public class FatalFailureException extends AllAttemptsFailedException {
  private static final long serialVersionUID = 1L;

  private final transient Throwable fatalFailure;

  /**
   * Creates the exception.
   *
   * @param fatalFailure the failure that ended the call; also among {@link #failures()}
   * @param attempts one report per attempt that started, in attempt order; copied
   * @throws NullPointerException if an argument is null
   */
  public FatalFailureException(Throwable fatalFailure, List<AttemptReport> attempts) {
    super("Fatal failure " + java.util.Objects.requireNonNull(fatalFailure, "fatalFailure")
        + " ended the call", attempts);
    this.fatalFailure = fatalFailure;
  }

  /**
   * Returns the failure that the policy classified as fatal, exactly as thrown.
   *
   * @return the fatal failure
   */
  public Throwable fatalFailure() {
    return fatalFailure;
  }
}
