package dev.redundant;

import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Nanos;
import java.time.Duration;

/**
 * A point in time by which a call must be done, on a monotonic {@link TimeSource}: what a server hands on
 * to the calls it makes while serving a request (deadline propagation, as gRPC does). Pass it to a call
 * with {@link CallOptions#deadline(Deadline)}.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofMillis(800)); // the request's budget
 * Quote q = hedge.call(CallOptions.deadline(deadline), attempt -> replica(attempt).quote(symbol));
 * Stock s = inventory.call(CallOptions.deadline(deadline), attempt -> ...);  // what is left of it
 * }</pre>
 *
 * <p>A deadline is a start reading and a span on its time source, and compares only differences of
 * readings, so it works on any clock origin, wraps included. A span that does not fit in a {@code long}
 * of nanoseconds (about 292 years) never expires. A call converts a deadline into the time left when the
 * call starts, and from then on counts that time on its policy's own time source, so the deadline must be
 * on that same time source: a call refuses a deadline on another one with an {@link
 * IllegalArgumentException} (a deadline on the system clock given to a policy on a test's {@link
 * dev.redundant.testing.ManualTimeSource} would otherwise pass with wall-clock time).
 *
 * <p><b>Thread safety:</b> immutable; one deadline may be shared by any number of calls and threads.
 */
public final class Deadline {
  private final TimeSource timeSource;
  private final long startNanos;
  private final long spanNanos;

  private Deadline(TimeSource timeSource, long startNanos, long spanNanos) {
    this.timeSource = timeSource;
    this.startNanos = startNanos;
    this.spanNanos = spanNanos;
  }

  /**
   * Returns the deadline {@code timeout} from now on {@link TimeSource#system()}, for policies on the
   * system clock (the default).
   *
   * @param timeout the time from now; zero or negative gives a deadline that has passed
   * @return the deadline
   * @throws NullPointerException if {@code timeout} is null
   */
  public static Deadline after(Duration timeout) {
    return after(timeout, TimeSource.system());
  }

  /**
   * Returns the deadline {@code timeout} from now on {@code timeSource}; tests pass a
   * {@link dev.redundant.testing.ManualTimeSource}, the same as the policy's.
   *
   * @param timeout the time from now; zero or negative gives a deadline that has passed
   * @param timeSource the clock the deadline is measured on
   * @return the deadline
   * @throws NullPointerException if an argument is null
   */
  public static Deadline after(Duration timeout, TimeSource timeSource) {
    requireNonNull(timeout, "timeout");
    requireNonNull(timeSource, "timeSource");
    long span = timeout.isNegative() ? 0 : Nanos.of(timeout);
    return new Deadline(timeSource, timeSource.nanoTime(), span);
  }

  /**
   * Returns the time left, never negative: zero once the deadline has passed.
   *
   * @return the time left
   */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /**
   * Returns whether the deadline has passed.
   *
   * @return whether no time is left
   */
  public boolean isExpired() {
    return remainingNanos() == 0;
  }

  /**
   * Returns the clock this deadline is measured on.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The time left in nanoseconds: 0 when passed, {@link Nanos#NEVER} for a deadline that never comes. */
  long remainingNanos() {
    return spanNanos == Nanos.NEVER ? Nanos.NEVER : Nanos.remaining(timeSource.nanoTime(), startNanos, spanNanos);
  }

  @Override
  public String toString() {
    return spanNanos == Nanos.NEVER ? "Deadline[never]" : "Deadline[remaining=" + remaining() + "]";
  }
}
