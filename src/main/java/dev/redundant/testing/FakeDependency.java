package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;

import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A fake of one of your dependencies: it returns your type and throws your exceptions, scripted per
 * call or drawn at seeded rates, with latencies on the same clock as the policy under test. Wrap it in a
 * fake of your own interface:
 *
 * {@snippet :
 * ManualTimeSource time = new ManualTimeSource();
 * FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class)
 *     .timeSource(time)
 *     .script(Reply.failure(new ConnectException("down"), ofMillis(50)),  // call 0
 *             Reply.value(new Quote("ACME", 101)).after(ofMillis(300)))   // call 1
 *     .build();
 * QuoteClient client = symbol -> quotes.call();
 * FakeDependency<Quote> unused = FakeDependency.neverCalled();  // for a dependency the test must not reach
 * }
 *
 * <p><b>Types.</b> {@link #builder(Class) builder(Quote.class)} names the value type once, so the replies
 * need no type witness; {@link #builder()} takes one ({@code FakeDependency.<Quote>builder()}), for a
 * generic value type such as {@code List<Quote>}. A reply that fails takes its type from where it is
 * used, with its latency given to {@link Reply#failure(Throwable, Duration)}: {@code
 * Reply.failure(e).after(d)} in a script needs {@code Reply.<Quote>failure(e)}, as Java infers nothing
 * from a method called on the result.
 *
 * <p><b>Scripted or seeded.</b> With {@link Builder#script} call {@code i} performs reply {@code i};
 * calls past the end perform the {@link Builder#otherwise(Reply) otherwise} reply, or, when there is
 * none, fail with an {@link IllegalStateException} saying that the script ran out. With {@link
 * Builder#rate(double, Reply) rates} instead, call {@code i} draws its reply, and the latency within a
 * reply's range, from the seed and {@code i} alone, whatever the timing and the calling threads.
 *
 * <p><b>Blocking or asynchronous.</b> {@link #call()} performs a reply on the calling thread, for
 * {@code Hedge.call}; {@link #stage()} returns at once a future that the reply completes, for {@code
 * Hedge.callStage(attempt -> quotes.stage())}: on a {@link ManualTimeSource} no thread waits for it, the
 * clock's {@code advance} completes it, and its {@code cancel} is recorded {@link
 * CallRecord.Outcome#CANCELLED}, as an HTTP client's future aborts its request.
 *
 * <p><b>Records.</b> {@link #calls()} returns a {@link CallRecord} per call: index, start and end on
 * the fake's clock (counted from when it was built), outcome, value or failure. {@link #awaitCalls},
 * {@link #awaitNoneInFlight}, {@link #awaitInterrupted} and {@link #awaitCancelled} wait for calls with a timeout, and then fail
 * with an {@link AssertionError} that lists the calls seen.
 *
 * <p><b>Thread safety:</b> a fake is safe to call from any number of platform or virtual threads; it
 * takes no lock. <b>Interruption:</b> an interrupt during a latency, a latch
 * or a hang ends the call at once with {@link InterruptedException} and clears the interrupt status,
 * as {@link Thread#sleep} does, unless the reply {@linkplain Reply#ignoringInterrupts() ignores it}.
 *
 * @param <T> the type of value the dependency returns
 */
public final class FakeDependency<T> {

  private final TimeSource time;
  private final long originNanos;
  private final long seed;
  private final List<Reply<? extends T>> script;
  private final @Nullable Reply<? extends T> otherwise; // null: running out of the script fails
  private final double[] cumulativeRates; // empty: scripted
  private final List<Reply<? extends T>> rated;

  /**
   * Every call so far, by index. Lock-free on purpose: a thread of the code under test must never be
   * seen blocked on the kit's own lock, which {@link ManualTimeSource#advanceAndAwaitParked} would take
   * for "parked".
   */
  private final ConcurrentHashMap<Integer, Slot<T>> slots = new ConcurrentHashMap<>();
  private final AtomicInteger started = new AtomicInteger();
  private final Signal signal = new Signal();

  private FakeDependency(Builder<T> b) {
    this.time = b.time();
    this.originNanos = time.nanoTime();
    this.seed = b.seedOrRandom();
    this.script = List.copyOf(b.script);
    this.otherwise = b.otherwise;
    this.rated = List.copyOf(b.rated);
    this.cumulativeRates = new double[b.rates.size()];
    double sum = 0;
    for (int i = 0; i < cumulativeRates.length; i++) {
      sum += b.rates.get(i);
      cumulativeRates[i] = sum;
    }
  }

  /**
   * Returns a new builder: system clock, random seed, no script. Give the type as a witness, {@code
   * FakeDependency.<Quote>builder()}, or call {@link #builder(Class)}.
   *
   * @param <T> the type of value the dependency returns
   * @return a new builder
   */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * Returns a new builder for values of {@code type}, as {@link #builder()}, without a type witness:
   * {@code FakeDependency.builder(Quote.class).script(Reply.value(acme)).build()}.
   *
   * @param type the class of the values the dependency returns; only its static type is used
   * @param <T> the type of value the dependency returns
   * @return a new builder
   * @throws NullPointerException if {@code type} is null
   */
  public static <T> Builder<T> builder(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return new Builder<>();
  }

  /**
   * Returns a fake that the code under test must never call: every call throws an {@link
   * AssertionError} that says so and is recorded {@link CallRecord.Outcome#FAILED}. A {@code Hedge}
   * never fails over an {@code AssertionError}: the call, and so the test, fail with it.
   *
   * @param <T> the type of value the dependency would return
   * @return a new fake, on the system clock
   */
  public static <T> FakeDependency<T> neverCalled() {
    return new Builder<T>().otherwise(Reply.neverCalled()).build();
  }

  /**
   * Makes one call: performs this call's reply on the calling thread and records it.
   *
   * @return the reply's value
   * @throws Exception the reply's failure, as is (an {@link Error} or any other throwable too)
   * @throws InterruptedException if the thread is interrupted while the call waits, with its status
   *     cleared
   * @throws IllegalStateException if the script ran out of replies and there is no otherwise reply
   */
  public T call() throws Exception {
    long startNanos = time.nanoTime();
    Slot<T> slot = begin(startNanos);
    try {
      T value = replyFor(slot.index).perform(slot.index, seed, time, startNanos);
      end(slot, CallRecord.Outcome.SUCCEEDED, value, null);
      return value;
    } catch (InterruptedException e) {
      end(slot, CallRecord.Outcome.INTERRUPTED, null, e);
      throw e;
    } catch (Throwable t) {
      end(slot, CallRecord.Outcome.FAILED, null, t);
      throw FakeDependency.<Exception>sneaky(t);
    }
  }

  /**
   * Makes one asynchronous call: starts this call's reply and returns its future at once, for a {@link
   * dev.redundant.StageTask} ({@code attempt -> fake.stage()}) or {@code Redundant.firstSuccessStage(n,
   * fake::stage)}. The future completes with the reply's value or failure when the fake's clock reaches
   * the reply's latency: on a {@link ManualTimeSource}, on the thread whose {@link
   * ManualTimeSource#advance advance} reaches it, with no thread waiting meanwhile; on another clock, on a
   * virtual thread that waits for it. A reply without latency completes the future before it is
   * returned; a {@link Reply#hang()} never completes it.
   *
   * <p>{@code cancel} on the future, before it completes, completes it cancelled and records the call
   * {@link CallRecord.Outcome#CANCELLED} (the reply is then never performed), unless the reply {@linkplain
   * Reply#ignoringInterrupts() ignores interrupts}: then {@code cancel} returns false and the reply
   * completes the future as planned. A reply that waits for a {@linkplain Reply#afterLatch latch} needs a
   * blocked thread: its future fails with an {@link IllegalStateException}. A script that ran out fails
   * the future likewise; nothing is thrown.
   *
   * @return the call's future, which supports {@code cancel}
   */
  public CompletableFuture<T> stage() {
    long startNanos = time.nanoTime();
    Slot<T> slot = begin(startNanos);
    Reply<? extends T> reply;
    try {
      reply = replyFor(slot.index);
      if (reply.waitsForLatch()) {
        throw new IllegalStateException("call " + slot.index + "'s reply " + reply + " waits for a latch,"
            + " which needs a blocked thread: use call(), or a reply without afterLatch for stage()");
      }
    } catch (IllegalStateException e) {
      end(slot, CallRecord.Outcome.FAILED, null, e);
      return CompletableFuture.failedFuture(e);
    }
    FakeStage<T> stage = new FakeStage<>(this, slot, reply.ignoresInterrupts());
    if (reply.hangs()) {
      return stage;
    }
    long latency = reply.latencyNanos(slot.index, seed);
    Runnable answer = () -> stage.answer(reply);
    if (latency == 0) {
      answer.run();
    } else if (time instanceof ManualTimeSource manual) {
      stage.disarm = manual.at(startNanos + latency, answer);
    } else {
      Thread waiter = Thread.ofVirtual().unstarted(() -> {
        try {
          Waits.until(time, startNanos + latency);
          answer.run();
        } catch (InterruptedException e) {
          // cancelled: the stage is complete already
        }
      });
      stage.disarm = waiter::interrupt;
      waiter.start();
    }
    return stage;
  }

  /**
   * Returns a snapshot of every call so far, in index order.
   *
   * @return an immutable list of records
   */
  public List<CallRecord<T>> calls() {
    int count = started.get();
    List<CallRecord<T>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(slot(i).snapshot());
    }
    return List.copyOf(records);
  }

  /**
   * Returns the record of call {@code index}.
   *
   * @param index the call's index, from 0
   * @return a snapshot of the call
   * @throws IllegalArgumentException if no call has that index yet
   */
  public CallRecord<T> record(int index) {
    int count = started.get();
    requireArgument(index >= 0 && index < count,
        "index must be between 0 and %s (the calls so far), was %s", count - 1, index);
    return slot(index).snapshot();
  }

  /**
   * Returns the number of calls in flight (started, not ended).
   *
   * @return calls whose outcome is {@link CallRecord.Outcome#RUNNING}
   */
  public int inFlight() {
    return count(r -> r.outcome() == CallRecord.Outcome.RUNNING);
  }

  /**
   * Returns the seed: the one given to {@link Builder#seed(long)}, or the random one drawn at build.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Waits until at least {@code count} calls have started.
   *
   * @param count the number of calls
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, listing the calls seen
   */
  public void awaitCalls(int count, Duration timeout) {
    signal.await(Signal.deadline(timeout), timeout, () -> size() >= count,
        () -> count + " call(s) started", this::describe);
  }

  /**
   * Same as {@link #awaitCalls(int, Duration)} with {@link ManualTimeSource#DEFAULT_TIMEOUT}.
   *
   * @param count the number of calls
   */
  public void awaitCalls(int count) {
    awaitCalls(count, ManualTimeSource.DEFAULT_TIMEOUT);
  }

  /**
   * Waits until no call is in flight: every call that started has ended.
   *
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, listing the calls seen
   */
  public void awaitNoneInFlight(Duration timeout) {
    signal.await(Signal.deadline(timeout), timeout, () -> inFlight() == 0,
        () -> "no call in flight", this::describe);
  }

  /** Same as {@link #awaitNoneInFlight(Duration)} with {@link ManualTimeSource#DEFAULT_TIMEOUT}. */
  public void awaitNoneInFlight() {
    awaitNoneInFlight(ManualTimeSource.DEFAULT_TIMEOUT);
  }

  /**
   * Waits until at least {@code count} calls have ended {@link CallRecord.Outcome#INTERRUPTED}.
   *
   * @param count the number of calls
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, listing the calls seen
   */
  public void awaitInterrupted(int count, Duration timeout) {
    signal.await(Signal.deadline(timeout), timeout,
        () -> count(r -> r.outcome() == CallRecord.Outcome.INTERRUPTED) >= count,
        () -> count + " call(s) interrupted", this::describe);
  }

  /**
   * Same as {@link #awaitInterrupted(int, Duration)} with {@link ManualTimeSource#DEFAULT_TIMEOUT}.
   *
   * @param count the number of calls
   */
  public void awaitInterrupted(int count) {
    awaitInterrupted(count, ManualTimeSource.DEFAULT_TIMEOUT);
  }

  /**
   * Waits until at least {@code count} calls have ended {@link CallRecord.Outcome#CANCELLED}: their
   * {@linkplain #stage() stage} was cancelled before its reply.
   *
   * @param count the number of calls
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, listing the calls seen
   */
  public void awaitCancelled(int count, Duration timeout) {
    signal.await(Signal.deadline(timeout), timeout,
        () -> count(r -> r.outcome() == CallRecord.Outcome.CANCELLED) >= count,
        () -> count + " call(s) cancelled", this::describe);
  }

  /**
   * Same as {@link #awaitCancelled(int, Duration)} with {@link ManualTimeSource#DEFAULT_TIMEOUT}.
   *
   * @param count the number of calls
   */
  public void awaitCancelled(int count) {
    awaitCancelled(count, ManualTimeSource.DEFAULT_TIMEOUT);
  }

  @Override
  public String toString() {
    String mode = rated.isEmpty() ? "script=" + script + ", otherwise=" + otherwise
        : "rates=" + rated + ", seed=" + seed;
    return "FakeDependency[" + mode + ", calls=" + size() + "]";
  }

  /** The reply call {@code index} performs (or would): a pure function of the settings and the seed. */
  Reply<? extends T> replyFor(long index) {
    if (!rated.isEmpty()) {
      double roll = SeededDraws.unit(seed, index, 1);
      for (int i = 0; i < cumulativeRates.length - 1; i++) {
        if (roll < cumulativeRates[i]) {
          return rated.get(i);
        }
      }
      return rated.get(rated.size() - 1);
    }
    if (index < script.size()) {
      return script.get((int) index);
    }
    if (otherwise != null) {
      return otherwise;
    }
    throw new IllegalStateException("the script ran out: call " + index + " has no reply (the script"
        + " has " + script.size() + ": " + script + "); add replies or an otherwise(...) reply");
  }

  private Slot<T> begin(long startNanos) {
    int index = started.getAndIncrement();
    Slot<T> slot = new Slot<>(index, Duration.ofNanos(startNanos - originNanos));
    slots.put(index, slot);
    signal.changed();
    return slot;
  }

  /** Returns call {@code index}'s slot, which exists or is being put by {@link #begin} right now. */
  private Slot<T> slot(int index) {
    Slot<T> slot;
    // Guard against a race with begin(): the index is taken before the slot is put, without blocking.
    while ((slot = slots.get(index)) == null) {
      Thread.onSpinWait();
    }
    return slot;
  }

  /** Ends the call with this outcome, unless it has ended already; returns whether this ended it. */
  private boolean end(Slot<T> slot, CallRecord.Outcome outcome, @Nullable T value, @Nullable Throwable failure) {
    Duration end = Duration.ofNanos(time.nanoTime() - originNanos);
    boolean ended = slot.ended.compareAndSet(null,
        new CallRecord<>(slot.index, slot.start, end, outcome, value, failure));
    signal.changed();
    return ended;
  }

  /** The number of calls started so far: the index of the next call. */
  int size() {
    return started.get();
  }

  /**
   * Waits until at least {@code count} calls have started or the system clock reaches {@code deadlineNanos}.
   *
   * @return whether {@code count} calls have started
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitStarted(long count, long deadlineNanos) throws InterruptedException {
    return signal.awaitUntil(deadlineNanos, () -> size() >= count);
  }

  private int count(Predicate<CallRecord<T>> which) {
    return (int) calls().stream().filter(which).count();
  }

  private String describe() {
    return calls().toString();
  }

  // the sneaky throw: E is inferred as unchecked at the call site
  @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /** One call's record while it may still change: {@code ended} is set once, when the call ends. */
  private static final class Slot<T> {
    final long index;
    final Duration start;
    final AtomicReference<@Nullable CallRecord<T>> ended = new AtomicReference<>();

    Slot(long index, Duration start) {
      this.index = index;
      this.start = start;
    }

    CallRecord<T> snapshot() {
      CallRecord<T> record = ended.get();
      return record != null ? record
          : new CallRecord<>(index, start, null, CallRecord.Outcome.RUNNING, null, null);
    }
  }

  /**
   * The future of one {@link #stage()} call. Whoever ends the call's record first decides its outcome:
   * the reply (on the clock's advancing thread) or {@code cancel}.
   */
  private static final class FakeStage<T> extends CompletableFuture<T> {
    private final FakeDependency<T> fake;
    private final Slot<T> slot;
    private final boolean ignoresCancel;
    /** Stops the pending reply from running; set once the reply is scheduled. */
    volatile @Nullable Runnable disarm;

    FakeStage(FakeDependency<T> fake, Slot<T> slot, boolean ignoresCancel) {
      this.fake = fake;
      this.slot = slot;
      this.ignoresCancel = ignoresCancel;
    }

    /** Performs the reply now: completes the future unless it was cancelled. */
    void answer(Reply<? extends T> reply) {
      T value;
      try {
        value = reply.outcome(slot.index);
      } catch (Throwable t) {
        if (fake.end(slot, CallRecord.Outcome.FAILED, null, t)) {
          super.completeExceptionally(t);
        }
        return;
      }
      if (fake.end(slot, CallRecord.Outcome.SUCCEEDED, value, null)) {
        super.complete(value);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (ignoresCancel) {
        return false; // a client that cannot abort: the reply completes the future as planned
      }
      CancellationException cancelled = new CancellationException(
          "call " + slot.index + "'s stage was cancelled before its reply");
      if (!fake.end(slot, CallRecord.Outcome.CANCELLED, null, cancelled)) {
        return isCancelled();
      }
      Runnable d = disarm;
      if (d != null) {
        d.run();
      }
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public String toString() {
      return "FakeDependency.stage[call " + slot.index + ", " + super.toString() + "]";
    }
  }

  /**
   * Configures a {@link FakeDependency}: either a script (with an optional otherwise reply) or rates.
   * Each setter checks its own arguments; {@link #build()} checks that the rates add up to 1. A builder
   * is not thread-safe; the fakes it builds copy its state and do not change when it does.
   *
   * @param <T> the type of value the dependency returns
   */
  public static final class Builder<T> extends SimulationBuilder<Builder<T>> {
    private final List<Reply<? extends T>> script = new ArrayList<>();
    private @Nullable Reply<? extends T> otherwise;
    private final List<Double> rates = new ArrayList<>();
    private final List<Reply<? extends T>> rated = new ArrayList<>();

    private Builder() {}



    /**
     * Appends replies to the script: the first appended is call 0's.
     *
     * @param replies the replies, at least one
     * @return this builder
     * @throws IllegalArgumentException if {@code replies} is empty
     * @throws NullPointerException if {@code replies} or one of them is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // List.of copies the array at once
    public final Builder<T> script(Reply<? extends T>... replies) {
      Objects.requireNonNull(replies, "replies");
      return script(List.of(replies));
    }

    /**
     * Appends replies to the script, in the list's order: for a script built elsewhere or generated.
     *
     * @param replies the replies, at least one
     * @return this builder
     * @throws IllegalArgumentException if {@code replies} is empty
     * @throws NullPointerException if {@code replies} or one of them is null
     */
    public Builder<T> script(List<? extends Reply<? extends T>> replies) {
      List<? extends Reply<? extends T>> copy = List.copyOf(Objects.requireNonNull(replies, "replies"));
      requireArgument(!copy.isEmpty(), "replies must hold at least one reply");
      script.addAll(copy);
      return this;
    }

    /**
     * Sets the reply of every call past the end of the script (of every call, with no script). Without
     * it, a call past the end fails with an {@link IllegalStateException}. An outage that makes every
     * call fail: {@code otherwise(Reply.failure(down))}.
     *
     * @param reply the reply
     * @return this builder
     * @throws NullPointerException if {@code reply} is null
     */
    public Builder<T> otherwise(Reply<? extends T> reply) {
      this.otherwise = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /**
     * Adds a reply that a call draws with probability {@code rate}. The rates of a fake must add up
     * to 1.
     *
     * @param rate a probability in [0, 1]
     * @param reply the reply
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or NaN
     * @throws NullPointerException if {@code reply} is null
     */
    public Builder<T> rate(double rate, Reply<? extends T> reply) {
      requireArgument(rate >= 0 && rate <= 1, "rate must be in [0, 1], was %s", rate);
      rated.add(Objects.requireNonNull(reply, "reply"));
      rates.add(rate);
      return this;
    }

    /**
     * Builds a fake; its records start empty and its clock origin is the time source's reading now.
     *
     * @return a new fake
     * @throws IllegalArgumentException if rates were given together with a script or an otherwise
     *     reply, or if they do not add up to 1 (within 1e-9)
     * @throws IllegalStateException if neither a script, an otherwise reply nor rates were given
     */
    public FakeDependency<T> build() {
      if (!rates.isEmpty()) {
        requireArgument(script.isEmpty() && otherwise == null,
            "give either rates or a script (with otherwise), not both");
        double sum = rates.stream().mapToDouble(Double::doubleValue).sum();
        requireArgument(Math.abs(sum - 1) <= 1e-9, "rates must add up to 1, but %s add up to %s",
            rates, sum);
      } else if (script.isEmpty() && otherwise == null) {
        throw new IllegalStateException(
            "nothing to reply: give script(...), otherwise(...) or rate(...)");
      }
      return new FakeDependency<>(this);
    }
  }
}
