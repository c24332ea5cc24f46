package dev.redundant;

import dev.redundant.internal.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * <p>It never calls a failure's {@code getMessage()} or {@code toString()} unguarded: a failure whose
 * {@code toString()} throws is described by its class name. It never changes the failures it holds.
 *
 * <p><b>Serialization:</b> {@link #failures()} and {@link #attempts()} survive a round trip when the
 * failures themselves are serializable (a {@link RejectedResultException}'s value does not).
 *
 * <p><b>Thread safety:</b> immutable once constructed, apart from the suppressed list and stack trace
 * that every {@link Throwable} lets callers change.
 */
public class AllAttemptsFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Serializable: an immutable list of serializable records. */
  @SuppressWarnings("serial") // List.copyOf lists of records of serializable parts are serializable
  private final List<AttemptReport> attempts;
  /** Serializable: an immutable list of the failures. */
  @SuppressWarnings("serial") // List.copyOf lists and Throwables are serializable
  private final List<Throwable> failures;

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
  public AllAttemptsFailedException(@Nullable String reason, List<AttemptReport> attempts) {
    this(reason, List.copyOf(attempts), null);
  }

  /**
   * Creates the exception with a message of its own and a chosen cause: {@code cause} is the
   * {@linkplain #getCause() cause} and every other failure is suppressed.
   *
   * @param reason why the call ended, or {@code null} for "all N attempts failed"
   * @param attempts one report per attempt that started, in attempt order; copied
   * @param cause the failure to make the cause, or {@code null} for the first failure
   * @throws NullPointerException if {@code attempts} or an element is null
   */
  protected AllAttemptsFailedException(@Nullable String reason, List<AttemptReport> attempts,
      @Nullable Throwable cause) {
    this(reason, List.copyOf(attempts), failuresOf(attempts), cause);
  }

  // addSuppressed is final and only records the failure; identity: the cause is one of the failures, the very object
  @SuppressWarnings({"this-escape", "ReferenceEquality"})
  private AllAttemptsFailedException(@Nullable String reason, List<AttemptReport> attempts, List<Throwable> failures,
      @Nullable Throwable cause) {
    super(message(reason, attempts), cause != null ? cause : failures.isEmpty() ? null : failures.get(0));
    this.attempts = attempts;
    this.failures = failures;
    Throwable first = getCause();
    for (Throwable failure : failures) {
      if (failure != first) { // the cause; a throwable cannot suppress itself
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
    return failures == null ? List.of() : failures; // null only from a stream of another version
  }

  /**
   * Returns how each attempt that started ended, in attempt order.
   *
   * @return an unmodifiable list with one report per started attempt
   */
  public List<AttemptReport> attempts() {
    return attempts == null ? List.of() : attempts; // null only from a stream of another version
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

  private static String message(@Nullable String reason, List<AttemptReport> attempts) {
    StringBuilder sb = new StringBuilder(reason != null ? reason : "All " + attempts.size() + " attempts failed");
    sb.append(':');
    for (AttemptReport report : attempts) {
      sb.append("\n  attempt ").append(report.index()).append(' ')
          .append(report.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
          .append(" after ").append(millis(report.duration().toNanos()));
      if (report.failure() != null) {
        sb.append(": ").append(Failures.describe(report.failure()));
      }
    }
    return sb.toString();
  }

  private static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
