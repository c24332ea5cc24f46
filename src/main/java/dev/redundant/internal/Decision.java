package dev.redundant.internal;

import dev.redundant.AttemptReport;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.HedgeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The decision of a call as {@code Race.result} holds it, and its delivery to whoever gets the outcome.
 * <pre>
 *   null       undecided
 *   NIL        a winner that returned null
 *   a value    the winner's value
 *   a Won      the winner of a call that asked for a HedgeResult: its value, index and end time
 *   DECIDING   a call without a winner whose Ended is being built
 *   an Ended   a call without a winner (Ended.ABORTED: its caller abandoned it)
 * </pre>
 * The deciding thread stores only these small facts; what the caller gets (the value, a
 * {@link HedgeResult}, an exception) is built from them by whoever delivers the outcome: the caller's
 * thread for a synchronous call ({@link #valueOf}), the thread that settles the future for an asynchronous
 * one ({@link #settleInto}). {@link Race} describes who may make which transition.
 *
 * <p><b>Thread safety:</b> stateless; its methods read the call's published attempts, which is safe from
 * any thread once the call is decided.
 */
final class Decision {
  /** The value of a winner that returned {@code null}. */
  static final Object NIL = new Object();
  /** A call without a winner whose {@link Ended} is being built. */
  static final Object DECIDING = new Object();

  private Decision() {}

  /** The winner's decision of a call that asked for a {@link HedgeResult}. */
  record Won(int index, @Nullable Object value, long endNanos) {}

  /**
   * The caller's outcome of a call decided with {@code r}, on the caller's thread.
   *
   * @return the winner's value, or its {@link HedgeResult}
   * @throws RuntimeException the call's failure, or an {@link Error} as is; a checked failure wrapped in
   *     an {@link IllegalStateException}
   */
  // NullAway: a task's null value decodes to null (NIL); T is the caller's type, which may be nullable.
  @SuppressWarnings({"unchecked", "NullAway"})
  static <T> T valueOf(Race<T> call, Object r) {
    if (r instanceof Won won) {
      return (T) resultOf(call, won);
    }
    if (r instanceof Ended ended) {
      Throwable failure = ended.exception(call.config(), call.timeoutNanos());
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(failure);
    }
    return r == NIL ? null : (T) r;
  }

  /** Completes the future {@code f} of {@code call} with the decided outcome {@code r}. */
  @SuppressWarnings({"unchecked", "ReferenceEquality"}) // identity: the ABORTED sentinel
  static <T> void settleInto(Race<T> call, RaceFuture<T> f, Object r) {
    if (r == Ended.ABORTED) {
      return; // the future was cancelled or completed by its holder
    }
    try {
      if (r instanceof Ended ended) {
        f.settleExceptionally(ended.exception(call.config(), call.timeoutNanos()));
      } else {
        Object won = r instanceof Won w ? w.value : r == NIL ? null : r;
        T value = r instanceof Won w ? (T) resultOf(call, w) : (T) won;
        if (!f.settleValue(value)) {
          // Guard against race with a cancel or completion from outside after the decision: nobody
          // will get this value, so it is discarded like a loser's.
          call.config().discardValue(won);
        }
      }
    } catch (Throwable t) {
      f.settleExceptionally(t); // Guard against a future that never completes
    }
  }

  /**
   * Discards a value that lost or was rejected, unless it is the very object the call returns.
   *
   * @param r the call's decision as read now ({@code null} if undecided)
   */
  @SuppressWarnings("ReferenceEquality") // identity: the winner's own object is kept, an equal loser is discarded
  static void discard(PolicyRuntime config, @Nullable Object r, @Nullable Object value) {
    if (value != null && value != (r instanceof Won w ? w.value : r)) {
      config.discardValue(value);
    }
  }

  /**
   * One report per attempt of {@code call} started so far, indexed by attempt: the winner's, if any
   * ({@code won}), is {@code SUCCEEDED}. An attempt reserved but not yet published when the call was
   * decided never runs (its launcher sees the decision and drops it): it is reported as cancelled after
   * no time, so that {@code reports.get(i).index() == i} and the reports match the counts.
   */
  static List<AttemptReport> reports(Race<?> call, Decision.@Nullable Won won) {
    int n = call.publishedCount();
    List<AttemptReport> reports = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      AttemptRun run = call.published(i);
      if (run == null) {
        reports.add(new AttemptReport(i, Outcome.CANCELLED, Duration.ZERO, null));
        continue;
      }
      reports.add(won != null && won.index == i
          ? new AttemptReport(i, Outcome.SUCCEEDED, run.since(won.endNanos), null, run.replicaIndex())
          : run.report());
    }
    return reports;
  }

  /** The {@link HedgeResult} of {@code call} won with {@code won}. */
  @SuppressWarnings("NullAway") // as in valueOf: a task's null value is the caller's (possibly nullable) T
  private static HedgeResult<Object> resultOf(Race<?> call, Won won) {
    return new HedgeResult<>(won.value, won.index, reports(call, won),
        Duration.ofNanos(Math.max(0, won.endNanos - call.startNanos())));
  }
}
