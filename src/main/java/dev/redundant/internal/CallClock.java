package dev.redundant.internal;

import dev.redundant.AttemptTimeoutException;
import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The clock of one policy's calls: it fires hedges, attempt timeouts and the call timeout when they are
 * due, and parks the waiting thread until the next one. A call owns no scheduler: the thread that waits
 * for the call (a synchronous caller, or the one virtual clock-watcher thread of an asynchronous call with
 * delays or timeouts) runs {@link #fireDue} whenever it wakes. On the system clock an asynchronous call
 * starts its watcher only when its first event is due ({@link WatcherTimer}), so that a call decided
 * before then never starts one.
 *
 * <p><b>Clock arithmetic.</b> {@link TimeSource} readings have an arbitrary origin and may wrap, as
 * {@code System.nanoTime()}'s do: only differences mean anything. Every comparison here is of an elapsed
 * difference ({@code now - start >= span}), never of absolute readings, and the time to the next event
 * is a non-negative span, so a clock that starts near {@code Long.MAX_VALUE} or {@code Long.MIN_VALUE}
 * fires events exactly as one that starts at zero.
 *
 * <p><b>Thread safety:</b> immutable; one per policy, used by every call of it concurrently.
 */
final class CallClock {
  /** {@link #fireDue} handled a due event: look again before parking. */
  static final long FIRED = -1;

  private final TimeSource timeSource;
  private final @Nullable Duration attemptTimeout;
  private final long attemptTimeoutNanos;
  private final boolean isSystem;

  CallClock(TimeSource timeSource, @Nullable Duration attemptTimeout, long attemptTimeoutNanos) {
    this.timeSource = timeSource;
    this.attemptTimeout = attemptTimeout;
    this.attemptTimeoutNanos = attemptTimeoutNanos;
    this.isSystem = timeSource.equals(TimeSource.system());
  }

  /**
   * Fires the call timeout, the attempt timeouts and the next hedge if due at {@code now}.
   *
   * @param now the clock's reading, which the wait for the result must count from
   * @return the time left after {@code now} until the next event, {@link Nanos#NEVER} for none, or
   *     {@link #FIRED}
   */
  long fireDue(ClockedCall call, long now) {
    return scan(call, now, true);
  }

  /**
   * Returns the time left after {@code now} until the call's next event, firing nothing.
   *
   * @return a positive span, 0 if an event is due, or {@link Nanos#NEVER} for none
   */
  long untilNextEvent(ClockedCall call, long now) {
    return scan(call, now, false);
  }

  /** Looks at every event of the call: fires what is due ({@code fire}), or returns 0 for it. */
  private long scan(ClockedCall call, long now, boolean fire) {
    long start = call.startNanos();
    long timeoutNanos = call.timeoutNanos(); // the policy's, or the call's own
    if (Nanos.elapsed(now, start, timeoutNanos)) {
      if (!fire) {
        return 0;
      }
      call.timeOut();
      return FIRED;
    }
    long next = Nanos.remaining(now, start, timeoutNanos);
    boolean fired = false;
    // Guard against race with launches: a stale, lower count only delays looking at the newest attempt
    // until the next wakeup, which every failover launch triggers.
    int started = call.startedCount();
    if (attemptTimeoutNanos != Nanos.NEVER) {
      for (int i = 0, n = call.publishedCount(); i < n; i++) {
        AttemptRun run = call.published(i);
        if (run == null || !run.isActive()) {
          continue;
        }
        if (Nanos.elapsed(now, run.startNanos, attemptTimeoutNanos)) {
          if (!fire) {
            return 0;
          }
          call.timeOutAttempt(run, now);
          fired = true;
        } else {
          next = Math.min(next, Nanos.remaining(now, run.startNanos, attemptTimeoutNanos));
        }
      }
    }
    if (started < call.maxAttempts()) {
      long delay = call.hedgeDelayNanos(started);
      // Read after the count: the latest start is at least as recent as the count, so a hedge never
      // fires early (see ClockedCall.latestStartNanos).
      long latest = call.latestStartNanos();
      if (Nanos.elapsed(now, latest, delay)) {
        if (!fire) {
          return 0;
        }
        // A refused hedge (hook mayLaunch) is not an event: the clock waits for the others.
        fired = call.startHedge();
      } else {
        next = Math.min(next, Nanos.remaining(now, latest, delay));
      }
    }
    return fired ? FIRED : next;
  }

  /** The failure an attempt that ran past its attempt timeout records. */
  AttemptTimeoutException attemptTimedOut(int index) {
    return new AttemptTimeoutException(index, Objects.requireNonNull(attemptTimeout, "attemptTimeout"));
  }

  /**
   * Fires what is due, then parks the waiting thread until the next event (returns at once if something
   * fired); an unpark or interrupt ends the wait early. A throwing {@link TimeSource} ends the call.
   */
  void fireDueThenPark(ClockedCall call) {
    // One reading for both: a deadline counted from a later reading would be late by the time between.
    long now = call.now();
    long wait = fireDue(call, now);
    if (wait == FIRED) {
      return;
    }
    if (wait == Nanos.NEVER) {
      LockSupport.park(call);
      return;
    }
    try {
      // now + wait may wrap past Long.MAX_VALUE: TimeSource.parkUntil compares differences.
      timeSource.parkUntil(now + wait);
    } catch (Throwable t) {
      call.clockFailed(t);
    }
  }

  /** The body of the clock watcher of an asynchronous call: fires events until the call ends. */
  void watch(ClockedCall call) {
    while (!call.isDecided()) {
      fireDueThenPark(call);
      Thread.interrupted(); // nobody else owns this thread: an interrupt only means "look again"
    }
  }

  /** Whether this is the JVM's clock, on which the shared {@link WatcherTimer} can wait. */
  boolean isSystem() {
    return isSystem;
  }

  /** Reads the clock. */
  long read() {
    return timeSource.nanoTime();
  }
}
