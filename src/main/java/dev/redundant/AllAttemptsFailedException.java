package dev.redundant;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Thrown when a call ends without a successful attempt. It keeps every attempt's failure, not just one:
 * {@link #failures()} lists them exactly as thrown, in attempt order; the first is the
 * {@linkplain #getCause() cause} and the others are {@linkplain #getSuppressed() suppressed}.
 * {@link #attempts()} reports how each attempt ended and how long it ran.
 *
 * <p>Two subclasses say why the call ended early: {@link FatalFailureException} (an attempt failed with a
 * failure the policy classifies as fatal) and {@link HedgeTimeoutException} (the call timeout). Catch
 * this class for "no attempt succeeded".
 *
 * <p><b>Thread safety:</b> immutable once constructed, apart from the suppressed list and stack trace
 * that every {@link Throwable} lets callers change.
 */
public class AllAttemptsFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<AttemptReport> attempts;
  private final transient List<Throwable> failures;

  /**
   * Creates the exception for attempts that all failed.
   *
   * @param attempts one report per attempt that started, in attempt order; copied
   * @throws NullPointerException if {@code attempts} or an element is null
   */
  public AllAttemptsFailedException(List<AttemptReport> attempts) {
    this(null, attempts);
  }

  /**
   * Creates the exception with a message of its own before the summary of the attempts.
   *
   * @param reason why the call ended, or {@code null} for "all N attempts failed"
   * @param attempts one report per attempt that started, in attempt order; copied
   * @throws NullPointerException if {@code attempts} or an element is null
   */
  @SuppressWarnings("this-escape")
  protected AllAttemptsFailedException(String reason, List<AttemptReport> attempts) {
    this(reason, List.copyOf(attempts), failuresOf(attempts));
  }

  @SuppressWarnings("this-escape") // addSuppressed is final and only records the failure
  private AllAttemptsFailedException(String reason, List<AttemptReport> attempts, List<Throwable> failures) {
    super(message(reason, attempts), failures.isEmpty() ? null : failures.get(0));
    this.attempts = attempts;
    this.failures = failures;
    for (int i = 1; i < failures.size(); i++) {
      Throwable failure = failures.get(i);
      if (failure != failures.get(0)) { // the cause; a throwable cannot suppress itself
        addSuppressed(failure);
      }
    }
  }

  /**
   * Returns the failure of every attempt that has one ({@code FAILED}, {@code REJECTED},
   * {@code TIMED_OUT}), exactly as thrown or created, in attempt order. Cancelled attempts have none.
   *
   * @return an unmodifiable list; empty only if every attempt was cancelled
   */
  public List<Throwable> failures() {
    return failures;
  }

  /**
   * Returns how each attempt that started ended, in attempt order.
   *
   * @return an unmodifiable list with one report per started attempt
   */
  public List<AttemptReport> attempts() {
    return attempts;
  }

  private static List<Throwable> failuresOf(List<AttemptReport> attempts) {
    List<Throwable> failures = new ArrayList<>(attempts.size());
    for (AttemptReport report : attempts) {
      Objects.requireNonNull(report, "attempts element");
      if (report.failure() != null) {
        failures.add(report.failure());
      }
    }
    return List.copyOf(failures);
  }

  private static String message(String reason, List<AttemptReport> attempts) {
    StringBuilder sb = new StringBuilder(reason != null ? reason : "All " + attempts.size() + " attempts failed");
    sb.append(':');
    for (AttemptReport report : attempts) {
      sb.append("\n  attempt ").append(report.index()).append(' ')
          .append(report.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
          .append(" after ").append(millis(report.duration().toNanos()));
      if (report.failure() != null) {
        sb.append(": ").append(report.failure());
      }
    }
    return sb.toString();
  }

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
