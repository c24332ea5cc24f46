package dev.redundant.internal;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
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
 * an {@link Entry} on a lock-free stack (one CAS) and wakes the timer thread only if it is due before the
 * timer would wake anyway, or every {@value #DRAIN_EVERY} entries so that the entries of decided calls are
 * dropped in batches and never pile up; a decided call clears its entry's reference to itself
 * ({@link Entry#cancel}), so the timer holds no call it does not need.
 *
 * <p><b>Threads.</b> One virtual thread, started on first use and parked while there is nothing to do; it
 * runs no user code (the watcher it starts does the call's work). Nothing to shut down.
 *
 * <p><b>Thread safety:</b> {@link #schedule} may be called from any thread; the entries' heap is the timer
 * thread's alone.
 */
final class WatcherTimer {
  /** How many entries may wait on the stack before the timer thread is woken to sort them out. */
  static final int DRAIN_EVERY = 1024;

  /** What one call waits for. */
  static final class Entry {
    final long dueNanos;
    /** The call whose watcher to start; null once it was decided. */
    private volatile @Nullable RaceFuture<?> call;
    @Nullable Entry next;

    Entry(long dueNanos, RaceFuture<?> call) {
      this.dueNanos = dueNanos;
      this.call = call;
    }

    /** The call was decided: the timer drops this entry, and holds nothing of the call any more. */
    void cancel() {
      call = null;
    }
  }

  private static final AtomicReference<@Nullable Entry> incoming = new AtomicReference<>();
  private static final AtomicInteger pushed = new AtomicInteger();
  /** When the timer thread wakes next, if {@link #parkedWithDeadline}. */
  private static volatile long wakeAtNanos;
  /** Whether the timer thread is parked (or about to) until {@link #wakeAtNanos}; else parked for good, or running. */
  private static volatile boolean parkedWithDeadline;
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
    // Guard against race with the timer going to sleep: it writes its wake-up time, then reads the stack;
    // this writes the stack, then reads the wake-up time (all volatile), so either it sees this entry or
    // this sees when it sleeps until.
    if (!parkedWithDeadline || dueNanos - wakeAtNanos < 0 || (pushed.incrementAndGet() & (DRAIN_EVERY - 1)) == 0) {
      LockSupport.unpark(THREAD);
    }
    return entry;
  }

  private static void run() {
    PriorityQueue<Entry> due = new PriorityQueue<>((a, b) -> Long.signum(a.dueNanos - b.dueNanos)); // wrap-safe
    int compactAt = DRAIN_EVERY;
    for (;;) {
      for (Entry e = incoming.getAndSet(null); e != null; e = e.next) {
        if (e.call != null) {
          due.add(e); // the others belong to calls decided already: dropped here
        }
      }
      if (due.size() >= compactAt) { // entries of calls decided after they were sorted in: drop them in bulk
        due.removeIf(e -> e.call == null);
        compactAt = Math.max(DRAIN_EVERY, 2 * due.size());
      }
      long now = System.nanoTime();
      Entry first;
      while ((first = due.peek()) != null && (first.call == null || first.dueNanos - now <= 0)) {
        due.poll();
        RaceFuture<?> call = first.call;
        if (call != null) {
          try {
            call.startWatcher();
          } catch (Throwable t) {
            // a call's watcher that cannot start (out of memory): the others must still be served
          }
        }
      }
      if (first == null) {
        parkedWithDeadline = false;
        if (incoming.get() == null) {
          LockSupport.park();
        }
      } else {
        wakeAtNanos = first.dueNanos;
        parkedWithDeadline = true;
        if (incoming.get() == null) {
          LockSupport.parkNanos(first.dueNanos - now);
        }
        parkedWithDeadline = false;
      }
    }
  }
}
