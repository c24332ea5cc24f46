package dev.redundant.testing;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one call of a {@link FakeDependency} did, as seen at the moment {@link FakeDependency#calls()}
 * was read: an immutable snapshot, safe to share between threads (the value and failure are the
 * user's own objects, shared as they are).
 *
 * @param index the call's index, from 0, in the order calls started
 * @param start when the call started, on the fake's clock, counted from when the fake was built
 * @param end when it ended, on the same scale; null while {@link Outcome#RUNNING}
 * @param outcome how it ended, or {@link Outcome#RUNNING}
 * @param value the value it returned, when {@link Outcome#SUCCEEDED} (may be null); null otherwise
 * @param failure what it threw, when {@link Outcome#FAILED}, {@link Outcome#INTERRUPTED} or {@link
 *     Outcome#CANCELLED}; null
 *     otherwise
 * @param <T> the type of value the fake returns
 */
public record CallRecord<T>(
    long index, Duration start, @Nullable Duration end, Outcome outcome, @Nullable T value,
        @Nullable Throwable failure) {

  /** Checks the components that must not be null. */
  public CallRecord {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** How a call ended. */
  public enum Outcome {
    /** The call returned a value. */
    SUCCEEDED,
    /** The call threw its scripted failure (or found no step left in its script). */
    FAILED,
    /** The call's thread was interrupted while it waited: it threw {@link InterruptedException}. */
    INTERRUPTED,
    /**
     * The call's {@linkplain FakeDependency#stage() stage} was cancelled before its reply: the client
     * aborted the request; the failure is a {@link java.util.concurrent.CancellationException}.
     */
    CANCELLED,
    /** The call has not ended yet. */
    RUNNING
  }
}
