package dev.redundant.internal;

import static java.util.Objects.requireNonNull;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.AttemptReport;
import dev.redundant.FatalFailureException;
import dev.redundant.HedgeTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a call without a winner, as stored in {@code Race.result} (see {@link Decision}). The
 * exception is built from it by whoever delivers the outcome (the caller's thread for a synchronous call),
 * not by the thread that decided.
 *
 * @param kind how the call ended
 * @param cause the fatal failure, the error, or what the clock threw; {@code null} for other kinds
 * @param predicateFailure what a throwing {@code fatalIf} predicate threw, or {@code null}
 * @param reports one report per attempt that started, in attempt order
 */
record Ended(CallEnd kind, @Nullable Throwable cause, @Nullable Throwable predicateFailure,
    List<AttemptReport> reports) {
  /**
   * The one outcome of kind {@link CallEnd#ABORTED}: the caller gave up (it throws InterruptedException, or
   * its future is complete already), and nothing is delivered.
   */
  static final Ended ABORTED = new Ended(CallEnd.ABORTED, null, null, List.of());

  /**
   * Builds what the caller gets. Never mutates a user's exception: a predicate's failure is added only to
   * the library's own {@link FatalFailureException}.
   *
   * @param timeoutNanos the call's time limit, for a timeout's message
   * @return the exception or error to throw to the caller, or to complete the future with
   */
  @SuppressWarnings("ReferenceEquality") // identity: the predicate's failure may be the cause itself
  Throwable exception(PolicyRuntime config, long timeoutNanos) {
    return switch (kind) {
      case ALL_FAILED -> new AllAttemptsFailedException(reports);
      case NO_BUDGET -> new AllAttemptsFailedException(reports.size() + " attempts failed and the hedge budget"
          + " denied a failover", reports);
      case NO_TIME -> new AllAttemptsFailedException(reports.size() + " attempts failed and a failover was"
          + " skipped: the time left before the deadline was below a typical successful attempt", reports);
      case FATAL -> {
        FatalFailureException fatal = new FatalFailureException(requireNonNull(cause, "cause"), reports);
        if (predicateFailure != null && predicateFailure != cause) {
          fatal.addSuppressed(predicateFailure);
        }
        yield fatal;
      }
      case TIMEOUT -> new HedgeTimeoutException(
          timeoutNanos == config.timeoutNanos ? requireNonNull(config.timeout, "timeout")
              : Duration.ofNanos(timeoutNanos), reports);
      case ERROR -> requireNonNull(cause, "cause");
      case CLOCK_FAILED -> cause instanceof RuntimeException || cause instanceof Error
          ? cause : new IllegalStateException("The TimeSource threw", cause);
      case ABORTED -> new CancellationException("The call was cancelled by its caller");
    };
  }
}
