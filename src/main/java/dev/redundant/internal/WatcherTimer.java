package dev.redundant.internal;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The one timer of the library, shared by every policy on the system clock: it starts the clock watcher
 * of an asynchronous call when the call's first event (a hedge, a timeout) is due. Most calls are decided
 * before then, and never start a thread.
 *
 * <p><b>Why not a {@code ScheduledThreadPoolExecutor}.</b> Scheduling and cancelling there costs about as
 * much as starting the watcher at once (measured: 470 vs 400 ns a call whose reply comes after it
 * started): every entry takes a lock, and every new head of its queue wakes its thread. Here a call pushes
 * an {@link Entry} on a lock-free stack (one CAS) and wakes the timer thread only if it sleeps and the entry
 * is due before the timer would wake anyway, or once in {@value #DRAIN_EVERY} entries on average so that the entries of
 * decided calls are dropped in batches and never pile up; a decided call clears its entry's reference to
 * itself ({@link Entry#cancel}), so the timer holds no call it does not need. Having dropped entries of
 * decided calls, the timer still wakes when the latest of them was due (unless a live entry is due before;
 * and it sleeps for good if nothing came meanwhile), so that the next calls' entries need no wake-up either.
 *
 * <p><b>Threads.</b> One virtual thread, started on first use and parked while there is nothing to do; it
 * runs no user code (the watcher it starts does the call's work). Nothing to shut down.
 *
 * <p><b>Thread safety:</b> {@link #schedule} may be called from any thread; the entries' heap is the timer
 * thread's alone.
 */
final class WatcherTimer {
  /** How many entries wait on the stack, on average, before the timer thread is woken to sort them out. */
  static final int DRAIN_EVERY = 1024;

  /** What one call waits for. */
  static final class Entry {
    private static final VarHandle CALL;

    static {
      try {
        CALL = MethodHandles.lookup().findVarHandle(Entry.class, "call", RaceFuture.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final long dueNanos;
    /**
     * The call whose watcher to start; null once it was decided. Written plainly at construction (the push's
     * CAS publishes it), cleared with a release store (no fence on the caller's path), read with acquire.
     */
    private @Nullable RaceFuture<?> call;
    @Nullable Entry next;

    Entry(long dueNanos, RaceFuture<?> call) {
      this.dueNanos = dueNanos;
      this.call = call;
    }

    /** The call was decided: the timer drops this entry, and holds nothing of the call any more. */
    void cancel() {
      CALL.setRelease(this, null);
    }

    /** The call, or null once it was decided. */
    @Nullable RaceFuture<?> call() {
      return (RaceFuture<?>) CALL.getAcquire(this);
    }
  }

  private static final AtomicReference<@Nullable Entry> incoming = new AtomicReference<>();
  /** The timer thread runs: it drains the stack again before it parks, so a push needs no unpark. */
  private static final int RUNNING = 0;
  /** The timer thread is parked (or about to) until {@link #wakeAtNanos}. */
  private static final int PARKED_UNTIL = 1;
  /** The timer thread is parked (or about to) until unparked. */
  private static final int PARKED = 2;
  /** When the timer thread wakes next, if {@link #PARKED_UNTIL}. */
  private static volatile long wakeAtNanos;
  /** What the timer thread does: RUNNING, PARKED_UNTIL or PARKED. */
  private static volatile int timerState = RUNNING;
  /**
   * The latest due time among the entries of decided calls the timer dropped since it last parked (timer
   * thread only), valid if {@link #dropped}.
   */
  private static long droppedDueNanos;
  private static boolean dropped;
  /** How many times a call unparked the timer thread (counted only then, which is rare; tests read it). */
  private static final AtomicLong unparks = new AtomicLong();
  private static final Thread THREAD = Thread.ofVirtual().name("redundant-timer").start(WatcherTimer::run);

  private WatcherTimer() {}

  /**
   * Starts {@code call}'s watcher once the system clock reads {@code dueNanos}, unless cancelled first.
   *
   * @return its entry, to cancel
   */
  static Entry schedule(RaceFuture<?> call, long dueNanos) {
    Entry entry = new Entry(dueNanos, call);
    Entry head;
    do {
      head = incoming.get();
      entry.next = head;
    } while (!incoming.compareAndSet(head, entry));
    // Guard against race with the timer going to sleep: it writes its state (and wake-up time), then reads
    // the stack; this writes the stack, then reads its state (all volatile), so either it sees this entry
    // or this sees that it sleeps, and until when.
    int state = timerState;
    if (state == PARKED || (state == PARKED_UNTIL && dueNanos - wakeAtNanos < 0)
        || ThreadLocalRandom.current().nextInt(DRAIN_EVERY) == 0) { // no counter shared by the callers
      unparks.incrementAndGet();
      LockSupport.unpark(THREAD);
    }
    return entry;
  }

  private static void run() {
    PriorityQueue<Entry> due = new PriorityQueue<>((a, b) -> Long.signum(a.dueNanos - b.dueNanos)); // wrap-safe
    int compactAt = DRAIN_EVERY;
    for (;;) {
      for (Entry e = incoming.getAndSet(null); e != null; e = e.next) {
        if (e.call() != null) {
          due.add(e);
        } else {
          drop(e); // of a call decided already
        }
      }
      if (due.size() >= compactAt) { // entries of calls decided after they were sorted in: drop them in bulk
        due.removeIf(WatcherTimer::dropIfDecided);
        compactAt = Math.max(DRAIN_EVERY, 2 * due.size());
      }
      long now = System.nanoTime();
      Entry first;
      while ((first = due.peek()) != null && (first.call() == null || first.dueNanos - now <= 0)) {
        due.poll();
        RaceFuture<?> call = first.call();
        if (call == null) {
          drop(first);
          continue;
        }
        try {
          call.startWatcher();
        } catch (Throwable t) {
          // a call's watcher that cannot start (out of memory): the others must still be served
        }
      }
      // Having dropped entries of decided calls, the timer wakes when the latest of them was due, as if
      // they were still there (unless a live entry is due before): the next calls' entries, due later, then
      // need no unpark. Parking for good instead, or until a live entry due later, every call would wake
      // it while the previous calls' entries all belong to calls decided before it ran (the usual case),
      // at a cost of the order of the call itself. Waking earlier than the first live entry is harmless.
      boolean lingers = dropped && droppedDueNanos - now > 0
          && (first == null || droppedDueNanos - first.dueNanos < 0);
      dropped = false;
      if (first == null && !lingers) {
        timerState = PARKED;
        if (incoming.get() == null) {
          LockSupport.park();
        }
      } else {
        long wakeAt = lingers ? droppedDueNanos : requireNonNull(first, "first").dueNanos;
        wakeAtNanos = wakeAt;
        timerState = PARKED_UNTIL;
        if (incoming.get() == null) {
          LockSupport.parkNanos(wakeAt - now);
        }
      }
      timerState = RUNNING;
    }
  }

  /** Whether the timer thread is parked (with or without a deadline): for tests. */
  static boolean isParked() {
    Thread.State state = THREAD.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  /** How many times a call has unparked the timer thread so far: for tests. */
  static long unparks() {
    return unparks.get();
  }

  /** Forgets an entry of a decided call, keeping when it was due (see {@link #run}). */
  private static void drop(Entry e) {
    if (!dropped || e.dueNanos - droppedDueNanos > 0) {
      droppedDueNanos = e.dueNanos;
      dropped = true;
    }
  }

  private static boolean dropIfDecided(Entry e) {
    if (e.call() != null) {
      return false;
    }
    drop(e);
    return true;
  }
}
