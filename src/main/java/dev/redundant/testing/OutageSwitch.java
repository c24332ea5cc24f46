package dev.redundant.testing;

import static java.util.Objects.requireNonNull;

import dev.redundant.TimeSource;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * A switch that takes a simulated dependency down: while it is {@linkplain #failCalls() failing} every
 * call fails, while it is {@linkplain #hangCalls() hanging} every call hangs, until it is
 * {@linkplain #restore() restored}. A fake passes through it before doing its normal work:
 *
 * {@snippet :
 * OutageSwitch outage = OutageSwitch.builder().timeSource(time).build();
 * AttemptTask<ReplicaReply> task = attempt -> {
 *   outage.pass();                    // fails or hangs during an outage
 *   return replicas.call(0);
 * };
 * outage.hangCalls();                 // every call from now on hangs
 * outage.restore();                   // calls from now on work again
 * }
 *
 * <p>The state a call sees is the one when it enters {@link #pass()}. A failing call waits out the
 * {@linkplain Builder#failureLatency(Duration) failure latency} and throws {@link ConnectException}. A
 * hanging call is a request lost in the network: it waits until its thread is interrupted, also after the
 * switch is restored, so a policy needs a timeout to get past it.
 *
 * <p><b>Time.</b> Waits elapse on the builder's {@link TimeSource}, default {@link TimeSource#system()}.
 *
 * <p><b>Interruption:</b> an interrupt ends a failing or hanging call's wait at once with an
 * {@link InterruptedException} (status cleared).
 *
 * <p><b>Thread safety:</b> thread-safe; the switch may be flipped from any thread while calls run.
 */
public final class OutageSwitch {
  /** What {@link #pass()} does. */
  public enum State {
    /** Calls pass through at once. */
    UP,
    /** Calls fail after the failure latency. */
    FAILING,
    /** Calls hang until interrupted. */
    HANGING
  }

  private final TimeSource time;
  private final long failureLatencyNanos;
  private volatile State state = State.UP;
  private final LongAdder failed = new LongAdder();
  private final LongAdder hung = new LongAdder();

  private OutageSwitch(Builder builder) {
    this.time = builder.time;
    this.failureLatencyNanos = builder.failureLatencyNanos;
  }

  /**
   * Returns a builder: the system clock, failures after 1 ms.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Lets a call through at once, or fails or hangs it during an outage.
   *
   * @throws ConnectException while {@linkplain State#FAILING failing}, after the failure latency
   * @throws InterruptedException if interrupted while failing or hanging
   */
  public void pass() throws ConnectException, InterruptedException {
    State seen = state;
    if (seen == State.FAILING) {
      failed.increment();
      Waits.until(time, time.nanoTime() + failureLatencyNanos);
      throw new ConnectException("simulated outage: every call fails");
    }
    if (seen == State.HANGING) {
      hung.increment();
      Waits.forever(time);
    }
  }

  /** Starts an outage in which every call fails after the failure latency. */
  public void failCalls() {
    state = State.FAILING;
  }

  /** Starts an outage in which every call hangs until interrupted. */
  public void hangCalls() {
    state = State.HANGING;
  }

  /** Ends the outage: calls from now on pass. Calls already hanging keep hanging. */
  public void restore() {
    state = State.UP;
  }

  /**
   * Returns the current state.
   *
   * @return what a call entering {@link #pass()} now does
   */
  public State state() {
    return state;
  }

  /**
   * Returns how many calls the outage failed.
   *
   * @return the count
   */
  public long failed() {
    return failed.sum();
  }

  /**
   * Returns how many calls the outage made hang.
   *
   * @return the count
   */
  public long hung() {
    return hung.sum();
  }

  @Override
  public String toString() {
    return "OutageSwitch[" + state + "]";
  }

  /** Configures an {@link OutageSwitch}. Each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private TimeSource time = TimeSource.system();
    private long failureLatencyNanos = Duration.ofMillis(1).toNanos();

    private Builder() {}

    /**
     * Sets the clock that failures and hangs wait on.
     *
     * @param time the clock; default {@link TimeSource#system()}
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     */
    public Builder timeSource(TimeSource time) {
      this.time = requireNonNull(time, "timeSource");
      return this;
    }

    /**
     * Sets how long a call takes to fail while {@linkplain State#FAILING failing}.
     *
     * @param latency zero or positive, at most about 292 years (a long of nanoseconds); default 1 ms
     * @return this builder
     * @throws NullPointerException if {@code latency} is null
     * @throws IllegalArgumentException if {@code latency} is negative or does not fit in a long of
     *     nanoseconds
     */
    public Builder failureLatency(Duration latency) {
      this.failureLatencyNanos = Durations.nonNegativeNanos("failureLatency", latency);
      return this;
    }

    /**
     * Builds the switch, {@linkplain State#UP up}.
     *
     * @return a new switch
     */
    public OutageSwitch build() {
      return new OutageSwitch(this);
    }
  }
}
