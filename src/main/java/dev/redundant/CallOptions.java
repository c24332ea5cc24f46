package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Nanos;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one call, given at the call site, that override the policy's: today a time limit, either a
 * timeout counted from the call's start or a {@link Deadline} handed on from the caller's own caller.
 *
 * <pre>{@code
 * static final CallOptions FAST = CallOptions.timeout(Duration.ofMillis(300)); // reusable: from each call's start
 * Quote q = hedge.call(FAST, attempt -> replica(attempt).quote(symbol));
 * Quote r = hedge.call(CallOptions.deadline(requestDeadline), attempt -> ...);
 * }</pre>
 *
 * <p>The limit replaces the policy's {@linkplain HedgeBuilder#timeout(Duration) timeout} for this call,
 * longer or shorter: when it elapses before a success, every attempt is cancelled and the call fails with
 * {@link HedgeTimeoutException} carrying every failure so far (for {@link Hedge#callAsync(CallOptions,
 * AttemptTask) callAsync} too, unlike {@link java.util.concurrent.CompletableFuture#orTimeout orTimeout}).
 * A deadline that has passed when the call starts fails it at once with {@link HedgeTimeoutException},
 * and no attempt starts. With a deadline-aware {@link AdaptiveDelay}, the limit is also the deadline that
 * hedges and failovers are checked against.
 *
 * <p>Passing no options ({@link Hedge#call(AttemptTask)}) costs nothing: the policy's settings apply.
 *
 * <p><b>Thread safety:</b> immutable; one instance may be shared by any number of calls.
 */
public final class CallOptions {
  private final @Nullable Duration timeout;
  private final @Nullable Deadline deadline;

  private CallOptions(@Nullable Duration timeout, @Nullable Deadline deadline) {
    this.timeout = timeout;
    this.deadline = deadline;
  }

  /**
   * Returns options that time a call out {@code timeout} after it starts, instead of after the policy's
   * timeout (or never).
   *
   * @param timeout positive
   * @return the options
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public static CallOptions timeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    requireArgument(timeout.isPositive(), "timeout must be positive, was %s", timeout);
    return new CallOptions(timeout, null);
  }

  /**
   * Returns options that end a call at {@code deadline}, instead of after the policy's timeout (or never).
   *
   * @param deadline the deadline, on the clock of the policies that will use it ({@link
   *     HedgeBuilder#timeSource(TimeSource) timeSource}: a call refuses a deadline on another clock); one
   *     that has passed when the call starts fails the call at once
   * @return the options
   * @throws NullPointerException if {@code deadline} is null
   */
  public static CallOptions deadline(Deadline deadline) {
    return new CallOptions(null, requireNonNull(deadline, "deadline"));
  }

  /**
   * Returns the timeout from the call's start, if these options have one.
   *
   * @return the timeout, or empty
   */
  public Optional<Duration> callTimeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the deadline, if these options have one.
   *
   * @return the deadline, or empty
   */
  public Optional<Deadline> callDeadline() {
    return Optional.ofNullable(deadline);
  }

  /**
   * The time limit of a call that starts now, in nanoseconds: 0 if the deadline has passed,
   * {@link Nanos#NEVER} for none.
   *
   * @param policyTimeSource the clock of the policy that makes the call
   * @throws IllegalArgumentException if the deadline is on another clock than {@code policyTimeSource}
   */
  long limitNanos(TimeSource policyTimeSource) {
    if (timeout != null) {
      return Nanos.of(timeout);
    }
    Deadline d = requireNonNull(deadline, "deadline");
    requireArgument(d.timeSource().equals(policyTimeSource),
        "options: the deadline is on %s, but the policy's timeSource is %s: a call counts its deadline on "
            + "the policy's clock, so make the deadline there, Deadline.after(timeout, timeSource)",
        d.timeSource(), policyTimeSource);
    return d.remainingNanos();
  }

  @Override
  public String toString() {
    return timeout != null ? "CallOptions[timeout=" + timeout + "]" : "CallOptions[deadline=" + deadline + "]";
  }
}
