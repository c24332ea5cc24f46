package dev.redundant;

import static dev.redundant.Patiently.patiently;

import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ManualTimeSource} that also tells which deadline each waiting thread parks for, so a test can
 * wait until the library has looked at the clock and decided what its next event is, and records every
 * thread that ever waited on it (the caller or the timer thread of each call).
 */
final class ProbedTimeSource implements TimeSource {
  final ManualTimeSource time = new ManualTimeSource();
  private final Map<Thread, Long> parkedUntil = new ConcurrentHashMap<>();
  final Set<Thread> everParked = ConcurrentHashMap.newKeySet();
  private final AtomicLong parks = new AtomicLong();

  @Override
  public long nanoTime() {
    return time.nanoTime();
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    Thread me = Thread.currentThread();
    everParked.add(me);
    parks.incrementAndGet();
    parkedUntil.put(me, deadlineNanos);
    try {
      time.parkUntil(deadlineNanos);
    } finally {
      parkedUntil.remove(me);
    }
  }

  void advance(Duration d) {
    time.advance(d);
  }

  /** Waits until some thread parks for the clock to read {@code sinceOrigin}. */
  void awaitParkedUntil(Duration sinceOrigin) {
    patiently().until(() -> parkedUntil.containsValue(sinceOrigin.toNanos()));
  }

  /**
   * Advances the clock, then waits until a thread parks again, after the advance, for the clock to read
   * {@code sinceOrigin}: the library looked at the new time and found nothing due before then.
   */
  void advanceAndAwaitParkedUntil(Duration by, Duration sinceOrigin) {
    long before = parks.get();
    time.advance(by);
    patiently().until(() -> parks.get() > before && parkedUntil.containsValue(sinceOrigin.toNanos()));
  }

  /**
   * Advances the clock, then waits until {@code thread} (which waits on this clock now) has woken and is
   * parked again: on this clock, or elsewhere (state WAITING while not waiting on this clock).
   */
  void advanceAndAwaitParkedAgain(Duration by, Thread thread) {
    patiently().until(() -> parkedUntil.containsKey(thread));
    long before = parks.get();
    time.advance(by);
    patiently().until(() -> parks.get() > before
        || (!parkedUntil.containsKey(thread) && thread.getState() == Thread.State.WAITING));
  }

  int waiters() {
    return time.waiters();
  }
}
