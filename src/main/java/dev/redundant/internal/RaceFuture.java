package dev.redundant.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future of an asynchronous call, and the call's clock watcher. Cancelling it, or completing it from
 * outside (including {@link #orTimeout}, {@link #completeAsync}, {@code obtrude...}), ends the call and
 * interrupts every attempt still running; plain {@link CompletableFuture#cancel(boolean)} would interrupt
 * nothing. The engine completes it only after the losers were interrupted, so a dependent stage finds them
 * interrupted.
 *
 * <p><b>The clock watcher.</b> A call with hedges or timeouts needs a thread to wait on its clock: on the
 * system clock, the shared {@link WatcherTimer} starts it when the call's first event is due (never, for a
 * call decided before, whose decider cancels the timer); on any other clock (a test's manual one, which
 * only a parked thread can wait on) it starts at once. It ends with the call.
 *
 * <p><b>Thread safety:</b> as {@link CompletableFuture}.
 */
final class RaceFuture<T> extends CompletableFuture<T> {
  private static final VarHandle SETTLED;
  private static final VarHandle WATCHER_STARTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SETTLED = lookup.findVarHandle(RaceFuture.class, "settled", boolean.class);
      WATCHER_STARTED = lookup.findVarHandle(RaceFuture.class, "watcherStarted", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Set by Race.callAsync right after construction, before the future reaches anyone: never null in use.
  @SuppressWarnings("NullAway.Init")
  Race<T> race;
  /** Whether the outcome of a call that waits for losers was handed to this future. */
  private volatile boolean settled;
  /** Whether the clock watcher was started: once, by {@link #startWatcher}. */
  @SuppressWarnings("UnusedVariable") // read and written through WATCHER_STARTED
  private volatile boolean watcherStarted;
  /** The watcher if {@link #createWatcher} made it (before the call starts), else null. */
  private @Nullable Thread unstartedWatcher;
  /** The shared timer's entry that starts the watcher, or null. */
  private volatile WatcherTimer.@Nullable Entry timerEntry;

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    race.abort();
    return cancelled;
  }

  @Override
  public boolean complete(T value) {
    boolean completed = super.complete(value);
    race.abort();
    return completed;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    race.abort();
    return completed;
  }

  @Override
  public void obtrudeValue(T value) {
    super.obtrudeValue(value);
    race.abort();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    super.obtrudeException(ex);
    race.abort();
  }

  /** Completes through {@link #complete}, so that the call ends: the JDK's version bypasses it. */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(executor, "executor");
    executor.execute(() -> {
      try {
        complete(supplier.get());
      } catch (Throwable t) {
        completeExceptionally(t instanceof CompletionException ? t : new CompletionException(t));
      }
    });
    return this;
  }

  /**
   * Creates the watcher on the calling thread, to start when due: a listener may rely on what the watcher
   * inherits from the caller's thread (inheritable thread-locals, as HedgeTracing's) in the events it sends.
   */
  void createWatcher() {
    unstartedWatcher = Thread.ofVirtual().unstarted(this::watchClock);
  }

  /**
   * Has the call's clock watched: by the shared timer until its first event is due, on the system clock;
   * else by a watcher started at once. With no event to wait for, a failover's start starts it.
   */
  void watchWhenDue() {
    CallClock clock = race.config().clock;
    if (!clock.isSystem()) {
      startWatcher();
      return;
    }
    // The call's start stands for now: the wait counts to the same point in time from it, and the clock
    // is not read again (a reading costs 20-50 ns on virtual machines: the call's largest single cost).
    long now = race.startNanos();
    long wait = clock.untilNextEvent(race, now);
    if (wait == 0) {
      startWatcher();
    } else if (wait != Nanos.NEVER) {
      WatcherTimer.Entry entry;
      try {
        entry = WatcherTimer.schedule(this, now + wait); // may wrap: the timer compares differences
      } catch (Throwable t) {
        startWatcher(); // the timer refused (out of memory): watch from a thread now
        return;
      }
      timerEntry = entry;
      // Guard against race with the decider: it sets released, then cancels the entry it reads
      // (cancelTimer); this sets the entry, then reads released (both volatile), so a decided call's
      // entry is always cancelled.
      if (race.isReleased()) {
        entry.cancel();
      }
    }
  }

  /** Starts the clock watcher, once; not at all for a call decided already. */
  void startWatcher() {
    if (!WATCHER_STARTED.compareAndSet(this, false, true)) {
      return;
    }
    Thread created = unstartedWatcher;
    Thread watcher = created != null ? created : Thread.ofVirtual().unstarted(this::watchClock);
    race.wakeWhenEnded(watcher);
    // Guard against race with the decider's delivery: a decision after this check unparks the watcher set
    // above, or precedes its start; either way it sees the decision before it parks (CallClock.watch).
    if (!race.isDecided()) {
      watcher.start();
    }
  }

  /** The call was decided and released: the timer need not start the watcher, and forgets the call. */
  void cancelTimer() {
    WatcherTimer.Entry entry = timerEntry;
    if (entry != null) {
      entry.cancel();
    }
  }

  private void watchClock() {
    CallerMdc.install(race.copyMdc(), race.callerMdc()); // for listener events it sends; the thread ends with the call
    race.config().clock.watch(race);
  }

  /** Completes this future with the call's decided outcome. */
  void settle(Object outcome) {
    Decision.settleInto(race, this, outcome);
  }

  /**
   * Claims the one settlement of a call that waits for losers, where the last loser and a launch that
   * lost to the decision may both deliver.
   *
   * @return whether this caller settles
   */
  boolean claimSettlement() {
    return SETTLED.compareAndSet(this, false, true);
  }

  /** Returns whether the value completed this future (false: it was cancelled or completed from outside). */
  boolean settleValue(@Nullable T value) {
    return super.complete(value);
  }

  void settleExceptionally(Throwable failure) {
    super.completeExceptionally(failure);
  }
}
