package dev.redundant.testing;

import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * What one call of a {@link FakeDependency} does: optionally wait for a latch, then take a latency on
 * the fake's clock, then return a value or throw a failure; or hang until interrupted.
 *
 * {@snippet :
 * Reply<Quote> slowQuote = Reply.value(quote).after(Duration.ofMillis(300));
 * Reply<Quote> down = Reply.failure(new ConnectException("down"));
 * Reply<Quote> slowDown = Reply.failure(new ConnectException("down"), Duration.ofMillis(300));
 * Reply<Quote> fresh = Reply.valueFrom(call -> new Quote("ACME", 100 + call)); // per call index
 * Reply<Quote> stuck = Reply.value(quote).afterLatch(gate).ignoringInterrupts();
 * }
 *
 * <p><b>Types.</b> A factory takes its type from its value, or else from where it is used: {@code
 * Reply.failure(e)} and {@code Reply.hang()} fit wherever a {@code Reply<Quote>} is expected. A method
 * called on a failure's result cannot tell Java the type, so {@code Reply.failure(e).after(d)} is a
 * {@code Reply<Object>}: write {@link #failure(Throwable, Duration) Reply.failure(e, d)}, or {@code
 * Reply.<Quote>failure(e).after(d)}.
 *
 * <p>A reply is immutable and may be shared between fakes and calls: the same failure instance is thrown
 * by every call that performs {@link #failure(Throwable)} (the kit never modifies it); use {@link
 * #failureFrom(LongFunction)} for a fresh one per call. Latencies elapse on the fake's {@link
 * TimeSource}; a latency range is drawn per call from the fake's seed.
 *
 * <p><b>As a stage.</b> {@link FakeDependency#stage()} performs a reply without a thread: its future
 * completes when the fake's clock reaches the latency; a {@link #hang()} completes never; {@code
 * cancel} completes it at once ({@link CallRecord.Outcome#CANCELLED}), unless the reply {@linkplain
 * #ignoringInterrupts() ignores interrupts}: then {@code cancel} returns false and the reply completes
 * as planned, as a client that cannot abort. A reply with a {@linkplain #afterLatch latch} needs a
 * blocked thread and fails its stage with an {@link IllegalStateException}.
 *
 * <p><b>Interruption.</b> An interrupt ends a latency, a latch wait or a hang at once with an {@link
 * InterruptedException} (the call is then {@link CallRecord.Outcome#INTERRUPTED}), unless the reply
 * {@linkplain #ignoringInterrupts() ignores interrupts}.
 *
 * @param <T> the type of value the fake returns
 */
public final class Reply<T> {

  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private final String description;
  private final @Nullable LongFunction<? extends T> value; // null: fails or hangs
  private final @Nullable LongFunction<? extends Throwable> failure; // null: returns or hangs
  private final long minNanos;
  private final long maxNanos;
  private final @Nullable CountDownLatch latch; // null: no latch; NEVER: hangs
  private final boolean ignoresInterrupts;
  /** Multiplies the latency drawn, rounded to the nanosecond: {@link FlakyTool}'s time scale; else 1. */
  private final double latencyScale;

  private Reply(String description, @Nullable LongFunction<? extends T> value,
      @Nullable LongFunction<? extends Throwable> failure, long minNanos, long maxNanos, @Nullable CountDownLatch latch,
      boolean ignoresInterrupts) {
    this(description, value, failure, minNanos, maxNanos, latch, ignoresInterrupts, 1);
  }

  private Reply(String description, @Nullable LongFunction<? extends T> value,
      @Nullable LongFunction<? extends Throwable> failure, long minNanos, long maxNanos, @Nullable CountDownLatch latch,
      boolean ignoresInterrupts, double latencyScale) {
    this.latencyScale = latencyScale;
    this.description = description;
    this.value = value;
    this.failure = failure;
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.latch = latch;
    this.ignoresInterrupts = ignoresInterrupts;
  }

  /**
   * The call returns {@code value}, at once unless a latency is added.
   *
   * @param value the value, null allowed
   * @param <T> the value type
   * @return the reply
   */
  public static <T> Reply<T> value(T value) {
    return new Reply<>("value(" + value + ")", call -> value, null, 0, 0, null, false);
  }

  /**
   * The call returns what {@code factory} makes of the call's index (from 0).
   *
   * @param factory makes the value; it runs on the calling thread
   * @param <T> the value type
   * @return the reply
   * @throws NullPointerException if {@code factory} is null
   */
  public static <T> Reply<T> valueFrom(LongFunction<? extends T> factory) {
    Objects.requireNonNull(factory, "factory");
    return new Reply<>("valueFrom(factory)", factory, null, 0, 0, null, false);
  }

  /**
   * The call throws {@code failure}, as is (checked or not), at once unless a latency is added.
   *
   * @param failure the throwable to throw
   * @param <T> the value type
   * @return the reply
   * @throws NullPointerException if {@code failure} is null
   */
  public static <T> Reply<T> failure(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    return new Reply<>("failure(" + failure.getClass().getSimpleName() + ")", null, call -> failure,
        0, 0, null, false);
  }

  /**
   * The call throws {@code failure}, as is, after {@code latency} on the fake's clock: {@code
   * failure(failure).after(latency)} in one expression, so that it takes its type from where it is used.
   *
   * @param failure the throwable to throw
   * @param latency the latency, zero or positive
   * @param <T> the value type
   * @return the reply
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code latency} is negative or too large for a long of nanos
   */
  public static <T> Reply<T> failure(Throwable failure, Duration latency) {
    Reply<T> reply = failure(failure);
    Durations.nonNegativeNanos("latency", latency);
    return reply.after(latency);
  }

  /**
   * The call throws an {@link AssertionError} saying that it should not have been made: for {@link
   * FakeDependency#neverCalled()}.
   */
  static <T> Reply<T> neverCalled() {
    return new Reply<>("neverCalled()", null,
        call -> new AssertionError("this fake must never be called, but call " + call + " was made"),
        0, 0, null, false);
  }

  /**
   * The call throws what {@code factory} makes of the call's index (from 0).
   *
   * @param factory makes the throwable; it runs on the calling thread and must not return null
   * @param <T> the value type
   * @return the reply
   * @throws NullPointerException if {@code factory} is null
   */
  public static <T> Reply<T> failureFrom(LongFunction<? extends Throwable> factory) {
    Objects.requireNonNull(factory, "factory");
    return new Reply<>("failureFrom(factory)", null, factory, 0, 0, null, false);
  }

  /**
   * The call blocks until its thread is interrupted, then throws {@link InterruptedException}.
   *
   * @param <T> the value type
   * @return the reply
   */
  public static <T> Reply<T> hang() {
    return new Reply<>("hang()", null, null, 0, 0, NEVER, false);
  }

  /**
   * Returns this reply, taking {@code latency} on the fake's clock before it returns or throws.
   *
   * @param latency the latency, zero or positive
   * @return a new reply
   * @throws IllegalArgumentException if {@code latency} is negative or too large for a long of nanos
   * @throws IllegalStateException if this reply hangs
   */
  public Reply<T> after(Duration latency) {
    return after(latency, latency);
  }

  /**
   * Returns this reply, taking a latency drawn uniformly in [min, max) (exactly {@code min} when they
   * are equal) from the fake's seed and the call's index, before it returns or throws.
   *
   * @param min the shortest latency, zero or positive
   * @param max the longest latency, at least {@code min}
   * @return a new reply
   * @throws IllegalArgumentException if a bound is negative or {@code min > max}
   * @throws NullPointerException if a bound is null
   * @throws IllegalStateException if this reply hangs
   */
  public Reply<T> after(Duration min, Duration max) {
    long lo = Durations.nonNegativeNanos("min", min);
    long hi = Durations.nonNegativeNanos("max", max);
    if (lo > hi) {
      throw new IllegalArgumentException("min must not exceed max, was " + min + " > " + max);
    }
    requireEnds("after");
    String range = lo == hi ? min.toString() : min + ".." + max;
    return new Reply<>(description + ".after(" + range + ")", value, failure, lo, hi, latch,
        ignoresInterrupts, latencyScale);
  }

  /**
   * Returns this reply, waiting first until {@code latch} opens (reaches zero).
   *
   * @param latch the latch to wait on
   * @return a new reply
   * @throws NullPointerException if {@code latch} is null
   * @throws IllegalStateException if this reply hangs
   */
  public Reply<T> afterLatch(CountDownLatch latch) {
    Objects.requireNonNull(latch, "latch");
    requireEnds("afterLatch");
    return new Reply<>(description + ".afterLatch(latch)", value, failure, minNanos, maxNanos, latch,
        ignoresInterrupts, latencyScale);
  }

  /**
   * Returns this reply, ignoring interrupts: the call waits for its latch and its full latency, then
   * returns or throws as planned, with the thread's interrupt status set again if an interrupt
   * arrived meanwhile. It models a client that cannot be cancelled.
   *
   * @return a new reply
   * @throws IllegalStateException if this reply hangs: it would never end
   */
  public Reply<T> ignoringInterrupts() {
    requireEnds("ignoringInterrupts");
    return new Reply<>(description + ".ignoringInterrupts()", value, failure, minNanos, maxNanos,
        latch, true, latencyScale);
  }

  /**
   * Returns this reply with its latency multiplied by {@code scale} and rounded to the nanosecond, for
   * {@link FlakyTool}'s time scale: the draw within the range is the same as this reply's.
   */
  Reply<T> scaled(double scale) {
    return new Reply<>(description, value, failure, minNanos, maxNanos, latch, ignoresInterrupts, scale);
  }

  @Override
  public String toString() {
    return description;
  }

  /** Performs this reply for call {@code index} that started at {@code startNanos} on {@code time}. */
  T perform(long index, long seed, TimeSource time, long startNanos) throws Throwable {
    if (latch != null) {
      Waits.latch(latch, ignoresInterrupts);
    }
    long latency = latencyNanos(index, seed);
    if (latency > 0) {
      Waits.latency(time, startNanos, latency, ignoresInterrupts);
    }
    return outcome(index);
  }

  /** Call {@code index}'s latency, drawn from {@code seed}. */
  long latencyNanos(long index, long seed) {
    long drawn = SeededDraws.between(minNanos, maxNanos, SeededDraws.unit(seed, index, 2));
    return latencyScale == 1 ? drawn : Math.round(drawn * latencyScale);
  }

  /** Returns call {@code index}'s value or throws its failure, at once. */
  T outcome(long index) throws Throwable {
    if (failure != null) {
      Throwable t = failure.apply(index);
      throw Objects.requireNonNull(t, "the failure factory returned null");
    }
    return Objects.requireNonNull(value, "value").apply(index); // set unless it fails or hangs
  }

  /** Whether the call never ends by itself: {@link #hang()}. */
  boolean hangs() {
    return latch == NEVER;
  }

  /** Whether the call waits for a latch first ({@link #afterLatch}): a thread must block on it. */
  boolean waitsForLatch() {
    return latch != null && latch != NEVER;
  }

  /** Whether the call ignores interrupts, and so a stage of it ignores {@code cancel}. */
  boolean ignoresInterrupts() {
    return ignoresInterrupts;
  }

  private void requireEnds(String what) {
    if (latch == NEVER) {
      throw new IllegalStateException(what + "() on hang(): a hanging call never ends");
    }
  }
}
