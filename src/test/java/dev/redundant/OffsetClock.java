package dev.redundant;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock that moves only when the test advances it, starting at a chosen origin (readings may wrap past
 * {@code Long.MAX_VALUE}). Its {@code parkUntil} compares differences, as {@link TimeSource} requires.
 */
final class OffsetClock implements TimeSource {
  private final long origin;
  private final AtomicLong elapsed = new AtomicLong();
  private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

  OffsetClock(long origin) {
    this.origin = origin;
  }

  @Override
  public long nanoTime() {
    return origin + elapsed.get();
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    Thread me = Thread.currentThread();
    parked.add(me);
    try {
      // Guard against race with advance(): it unparks every registered thread after moving the time.
      if (nanoTime() - deadlineNanos < 0 && !me.isInterrupted()) {
        LockSupport.park(this);
      }
    } finally {
      parked.remove(me);
    }
  }

  void advance(Duration d) {
    elapsed.addAndGet(d.toNanos());
    parked.forEach(LockSupport::unpark);
  }

  @Override
  public String toString() {
    return "OffsetClock[origin=" + origin + "]";
  }
}
