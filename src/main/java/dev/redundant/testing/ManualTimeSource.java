package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;

import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TimeSource} that moves only when a test {@linkplain #advance(Duration) advances} it, so hedge
 * delays, timeouts and the latencies of the kit's fakes elapse exactly when the test says, whatever the
 * machine's load.
 *
 * {@snippet :
 * ManualTimeSource time = new ManualTimeSource();
 * Hedge<String> hedge = Hedge.<String>builder().delay(Duration.ofSeconds(1)).timeSource(time).build();
 * CompletableFuture<String> f = hedge.callAsync(task);
 * time.awaitParkedUntil(Duration.ofSeconds(1));         // the library now waits for t = 1 s
 * time.advanceAndAwaitParked(Duration.ofMillis(999));   // nothing is due: no hedge yet
 * time.advanceAndAwaitParked(Duration.ofMillis(1));     // t = 1 s: the hedge started
 * }
 *
 * <p><b>Readings.</b> The first reading is {@code startNanos} (0 by default); only differences mean
 * anything, as with {@link System#nanoTime()}. Every comparison with a deadline is made on the
 * difference ({@code now - deadline >= 0}), so a clock that starts near {@link Long#MAX_VALUE} and wraps
 * around keeps working. {@link #elapsed()} and every duration this class reports count from the first
 * reading. The clock never moves backwards: {@link #advance(Duration)} refuses a negative duration.
 *
 * <p><b>Waiting for the code under test.</b> A thread <em>waits on this clock</em> while it is inside
 * {@link #parkUntil(long)}; {@link #waiters()} counts such threads and {@link #awaitWaiters(int)} waits
 * for a count. A thread is <em>settled</em> when it waits on this clock for a deadline that has not come,
 * or is blocked elsewhere ({@link Thread.State#WAITING}, {@link Thread.State#TIMED_WAITING} or {@link
 * Thread.State#BLOCKED}), or has terminated. {@link #advanceAndAwaitParked(Duration)} advances the clock,
 * then waits until no thread waits on it for a deadline that has come and every other thread that has
 * waited on it is settled: everything that came due has run and parked again. The thread that calls a
 * waiting helper is never waited for, so a test thread that made a synchronous call on this clock (and
 * so waited on it) can advance and wait after it. Limits of that contract: a thread that has never
 * waited on this clock (an attempt started just now) is not waited for, so wait for it with the fake's
 * own helpers or {@link #awaitWaiters(int)}; and a thread that blocks for a moment on a lock counts as
 * settled during that moment.
 *
 * <p><b>Actions at a reading.</b> The kit's asynchronous fakes ({@link FakeDependency#stage()}) need no
 * thread to wait: they leave an action with the clock for a reading, and {@link #advance(Duration)} runs
 * every action that came due on the advancing thread, in the order of their readings (then in the order
 * they were left), before it returns. So when {@code advanceAndAwaitParked} returns, every stage due by
 * then has completed, and what its completion started has run and parked again.
 *
 * <p>The clock forgets a thread once it has terminated: it looks for such threads whenever the number of
 * threads it tracks has doubled since it last looked, so a long simulation that only calls {@link
 * #advance(Duration)} holds about as many threads as are alive, not every thread that ever waited.
 *
 * <p>Every waiting helper takes a timeout (or uses {@link #DEFAULT_TIMEOUT}) and, when it elapses, throws
 * an {@link AssertionError} that says what was awaited and what was seen. The timeout is measured on
 * the system clock: it only bounds how long a broken test hangs, it orders nothing.
 *
 * <p><b>Thread safety:</b> thread-safe; any thread may advance the clock. <b>Interruption:</b> {@link
 * #parkUntil(long)} returns when the thread is interrupted and leaves its interrupt status set. The
 * waiting helpers throw {@link AssertionError} if the waiting thread is interrupted, with its interrupt
 * status set again.
 */
public final class ManualTimeSource implements TimeSource {

  /** How long the waiting helpers without a timeout parameter wait at most: 10 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A new thread makes the clock forget the threads that have ended once it tracks more than this many
   * (and twice as many as after the last such pruning): the set stays within about twice the live
   * threads, or this, at an amortized constant cost per thread.
   */
  static final int PRUNE_FLOOR = 64;

  private final long startNanos;
  private final AtomicLong nanos;
  /** The threads inside {@link #parkUntil(long)}, each with the deadline it waits for. */
  private final Map<Thread, Long> waiting = new ConcurrentHashMap<>();
  /** Every thread that has waited on this clock and was alive when last looked at. */
  private final Set<Thread> users = ConcurrentHashMap.newKeySet();
  /** When {@link #users} grows past this, the threads that have ended are forgotten. */
  private volatile int pruneAbove = PRUNE_FLOOR;
  /** Actions left for a reading ({@link #at}), earliest first; lock-free, as the rest of the kit. */
  private final ConcurrentSkipListSet<Timer> timers = new ConcurrentSkipListSet<>();
  private final AtomicLong timerSequence = new AtomicLong();
  /** Signalled whenever a thread starts or stops waiting on this clock, and on every advance. */
  private final Signal signal = new Signal();

  /** Creates a clock that reads 0 until advanced. */
  public ManualTimeSource() {
    this(0);
  }

  /**
   * Creates a clock with the given first reading.
   *
   * @param startNanos the first reading of {@link #nanoTime()}, any value (readings may wrap around)
   */
  public ManualTimeSource(long startNanos) {
    this.startNanos = startNanos;
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /**
   * Returns how far this clock has been advanced since it was created.
   *
   * @return the time since the first reading
   */
  public Duration elapsed() {
    return Duration.ofNanos(nanos.get() - startNanos);
  }

  /**
   * Moves the clock forward and wakes every thread waiting on it. Returns at once: see {@link
   * #advanceAndAwaitParked(Duration)} to also wait for what came due.
   *
   * @param duration how far to move, zero or positive, at most about 292 years
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative (a clock never goes backwards) or
   *     does not fit in a long of nanoseconds
   */
  public void advance(Duration duration) {
    long by = nonNegativeNanos("duration", duration);
    nanos.addAndGet(by);
    for (Thread waiter : waiting.keySet()) {
      LockSupport.unpark(waiter);
    }
    runDueTimers();
    signal.changed();
  }

  /**
   * Leaves {@code action} to run when this clock reaches {@code deadlineNanos}: on the thread that
   * advances it there, or at once on the calling thread if that reading has come. For the kit's
   * asynchronous fakes, which must not take a thread per pending reply.
   *
   * @return removes the action if it has not run yet (it will then never run); safe to call twice
   */
  Runnable at(long deadlineNanos, Runnable action) {
    Timer timer = new Timer(deadlineNanos - startNanos, timerSequence.getAndIncrement(), action);
    timers.add(timer);
    // Guard against a race with advance(): added before reading the time, so either this thread sees
    // the reading that made it due, or the advancing thread (which moved the clock first) finds it.
    if (nanos.get() - deadlineNanos >= 0) {
      runDueTimers();
    }
    return () -> timers.remove(timer);
  }

  /** How many actions wait for a reading: for the kit's tests. */
  int pendingActions() {
    return timers.size();
  }

  /**
   * Runs every action that is due, earliest first; whoever removes an action from the set runs it, so
   * each runs once. An action that throws does not stop the others: the first throwable is rethrown.
   */
  private void runDueTimers() {
    @Nullable Throwable first = null;
    for (Timer timer = earliest(); timer != null && isDue(timer); timer = earliest()) {
      if (!timers.remove(timer)) {
        continue; // another thread runs it, or it was removed
      }
      try {
        timer.action.run();
      } catch (Throwable t) {
        if (first == null) {
          first = t;
        } else {
          first.addSuppressed(t);
        }
      }
    }
    if (first != null) {
      throw Timer.<RuntimeException>sneaky(first);
    }
  }

  private @Nullable Timer earliest() {
    try {
      return timers.first();
    } catch (NoSuchElementException e) {
      return null;
    }
  }

  private boolean isDue(Timer timer) {
    return nanos.get() - startNanos - timer.offsetNanos >= 0;
  }

  /** An action left for the reading {@code offsetNanos} after the first one; {@code seq} orders ties. */
  private record Timer(long offsetNanos, long seq, Runnable action) implements Comparable<Timer> {
    @Override
    public int compareTo(Timer other) {
      int byTime = Long.compare(offsetNanos, other.offsetNanos);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }

    // the sneaky throw: E is inferred as unchecked at the call site
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
      throw (E) t;
    }
  }

  /**
   * Advances the clock, then waits until everything that came due has run and parked again: until no
   * thread waits on this clock for a deadline that has come, and every thread that has waited on it,
   * except the calling thread, is settled (see the class comment for the definition and its limits).
   *
   * @param duration how far to move, zero or positive
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, naming the threads not yet settled
   * @throws IllegalArgumentException if {@code duration} is negative or {@code timeout} is not positive
   * @throws NullPointerException if an argument is null
   */
  public void advanceAndAwaitParked(Duration duration, Duration timeout) {
    long deadline = Signal.deadline(timeout);
    advance(duration);
    signal.await(deadline, timeout, this::everythingSettled,
        () -> "everything due at " + elapsed() + " to run and park again", this::describeUnsettled);
  }

  /**
   * Same as {@link #advanceAndAwaitParked(Duration, Duration)} with {@link #DEFAULT_TIMEOUT}.
   *
   * @param duration how far to move, zero or positive
   */
  public void advanceAndAwaitParked(Duration duration) {
    advanceAndAwaitParked(duration, DEFAULT_TIMEOUT);
  }

  /**
   * Waits, without moving the clock, until every thread that has waited on this clock, except the
   * calling thread, is settled and none waits for a deadline that has come.
   *
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, naming the threads not yet settled
   */
  public void awaitSettled(Duration timeout) {
    signal.await(Signal.deadline(timeout), timeout, this::everythingSettled,
        () -> "every thread using the clock to be parked at " + elapsed(), this::describeUnsettled);
  }

  /**
   * Waits until exactly {@code count} threads wait on this clock.
   *
   * @param count the number of threads, zero or more
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, saying how many threads waited
   * @throws IllegalArgumentException if {@code count} is negative or {@code timeout} is not positive
   */
  public void awaitWaiters(int count, Duration timeout) {
    requireArgument(count >= 0, "count must not be negative, was %s", count);
    signal.await(Signal.deadline(timeout), timeout, () -> waiting.size() == count,
        () -> count + " thread(s) waiting on the clock", this::describeWaiting);
  }

  /**
   * Same as {@link #awaitWaiters(int, Duration)} with {@link #DEFAULT_TIMEOUT}.
   *
   * @param count the number of threads, zero or more
   */
  public void awaitWaiters(int count) {
    awaitWaiters(count, DEFAULT_TIMEOUT);
  }

  /**
   * Waits until some thread waits on this clock for the reading {@code elapsed} after the first one:
   * the code under test has looked at the clock and decided that its next event is then.
   *
   * @param elapsed the deadline, counted from the first reading
   * @param timeout how long to wait at most, positive
   * @throws AssertionError if the timeout elapses first, listing the deadlines threads waited for
   * @throws IllegalArgumentException if {@code elapsed} is negative or {@code timeout} is not positive
   */
  public void awaitParkedUntil(Duration elapsed, Duration timeout) {
    long deadline = startNanos + nonNegativeNanos("elapsed", elapsed);
    signal.await(Signal.deadline(timeout), timeout, () -> waiting.containsValue(deadline),
        () -> "a thread waiting on the clock until " + elapsed, this::describeWaiting);
  }

  /**
   * Same as {@link #awaitParkedUntil(Duration, Duration)} with {@link #DEFAULT_TIMEOUT}.
   *
   * @param elapsed the deadline, counted from the first reading
   */
  public void awaitParkedUntil(Duration elapsed) {
    awaitParkedUntil(elapsed, DEFAULT_TIMEOUT);
  }

  /**
   * Parks until this clock reaches {@code deadlineNanos}, the thread is unparked or interrupted, or
   * spuriously. Compares {@code nanoTime() - deadlineNanos}, so readings that wrap around work.
   */
  @Override
  public void parkUntil(long deadlineNanos) {
    Thread me = Thread.currentThread();
    if (users.add(me)) {
      forgetEndedThreadsIfGrown();
    }
    waiting.put(me, deadlineNanos);
    signal.changed();
    try {
      // Guard against a race with advance(): we are registered before reading the time, so an
      // advance after this read unparks us.
      if (nanos.get() - deadlineNanos < 0 && !me.isInterrupted()) {
        LockSupport.park(this);
      }
    } finally {
      waiting.remove(me);
      signal.changed();
    }
  }

  /**
   * Returns how many threads are waiting on this clock now.
   *
   * @return the number of threads inside {@link #parkUntil(long)}
   */
  public int waiters() {
    return waiting.size();
  }

  /** How many threads the clock tracks for the waiting helpers now: for tests of the pruning. */
  int trackedThreads() {
    return users.size();
  }

  /**
   * Forgets the threads that have ended once the tracked set has doubled since the last time (and holds
   * more than {@link #PRUNE_FLOOR}), so the set stays about twice the live threads at an amortized
   * constant cost. Concurrent callers may both prune: harmless.
   */
  private void forgetEndedThreadsIfGrown() {
    if (users.size() > pruneAbove) {
      users.removeIf(thread -> !thread.isAlive());
      pruneAbove = Math.max(PRUNE_FLOOR, 2 * users.size());
    }
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + elapsed() + ", " + waiting.size() + " waiting]";
  }

  /** Whether everything due has run and parked again; the calling thread is never waited for. */
  private boolean everythingSettled() {
    long now = nanos.get();
    for (Map.Entry<Thread, Long> w : waiting.entrySet()) {
      if (now - w.getValue() >= 0) {
        return false;
      }
    }
    Thread me = Thread.currentThread();
    for (Thread user : users) {
      if (user != me && !isSettled(user, now)) {
        return false;
      }
    }
    return true;
  }

  private boolean isSettled(Thread thread, long now) {
    Long deadline = waiting.get(thread);
    if (deadline != null) {
      return now - deadline < 0;
    }
    Thread.State state = thread.getState();
    if (state == Thread.State.TERMINATED) {
      users.remove(thread);
      return true;
    }
    return state == Thread.State.WAITING
        || state == Thread.State.TIMED_WAITING
        || state == Thread.State.BLOCKED;
  }

  private String describeUnsettled() {
    long now = nanos.get();
    List<String> running = new ArrayList<>();
    Thread me = Thread.currentThread();
    for (Thread user : users) {
      if (user != me && !isSettled(user, now)) {
        Long deadline = waiting.get(user);
        running.add(user + (deadline != null
            ? " waiting on the clock for a deadline that has come, " + since(deadline)
            : " in state " + user.getState() + " at " + topFrame(user)));
      }
    }
    return "not settled: " + running + "; " + describeWaiting();
  }

  private String describeWaiting() {
    List<String> parked = new ArrayList<>();
    waiting.forEach((thread, deadline) -> parked.add(thread + " until " + since(deadline)));
    return "clock at " + elapsed() + ", " + parked.size() + " thread(s) waiting on it " + parked;
  }

  private String since(long readingNanos) {
    return Duration.ofNanos(readingNanos - startNanos).toString();
  }

  private static String topFrame(Thread thread) {
    StackTraceElement[] stack = thread.getStackTrace();
    return stack.length == 0 ? "(no stack)" : stack[0].toString();
  }

  private static long nonNegativeNanos(String name, Duration duration) {
    Objects.requireNonNull(duration, name);
    requireArgument(!duration.isNegative(),
        "%s must not be negative, was %s: a ManualTimeSource never goes backwards", name, duration);
    return Durations.nonNegativeNanos(name, duration);
  }
}
