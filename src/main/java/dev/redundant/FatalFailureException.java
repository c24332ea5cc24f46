package dev.redundant;

import java.util.List;

/**
 * Thrown when an attempt fails with a failure that the policy classifies as fatal
 * ({@link HedgeBuilder#fatalIf}): the call cancelled every other attempt and ended at once. The fatal
 * failure is {@link #fatalFailure()} and the {@linkplain #getCause() cause}; the other failures are
 * {@linkplain #getSuppressed() suppressed}, and {@link #failures()} lists them all in attempt order, the
 * fatal one included. A {@code fatalIf} predicate that threw adds what it threw to the suppressed list
 * (the fatal failure itself is never changed).
 *
 * <p><b>Thread safety:</b> as {@link AllAttemptsFailedException}.
 */
public class FatalFailureException extends AllAttemptsFailedException {
  private static final long serialVersionUID = 1L;

  private final Throwable fatalFailure;

  /**
   * Creates the exception.
   *
   * @param fatalFailure the failure that ended the call; also among {@link #failures()}
   * @param attempts one report per attempt that started, in attempt order; copied
   * @throws NullPointerException if an argument is null
   */
  public FatalFailureException(Throwable fatalFailure, List<AttemptReport> attempts) {
    super(reason(java.util.Objects.requireNonNull(fatalFailure, "fatalFailure"), attempts), attempts,
        fatalFailure);
    this.fatalFailure = fatalFailure;
  }

  /** Names the fatal attempt; its failure appears once, on that attempt's line of the message. */
  @SuppressWarnings("ReferenceEquality") // identity: the report that holds this very failure
  private static String reason(Throwable fatalFailure, List<AttemptReport> attempts) {
    for (AttemptReport report : attempts) {
      if (report != null && report.failure() == fatalFailure) {
        return "Fatal failure of attempt " + report.index() + " ended the call";
      }
    }
    return "Fatal failure ended the call: " + dev.redundant.internal.Failures.describe(fatalFailure);
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
