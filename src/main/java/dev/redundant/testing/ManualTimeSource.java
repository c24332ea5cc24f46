package dev.redundant.testing;

import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link TimeSource} that moves only when a test {@linkplain #advance(Duration) advances} it, so hedge
 * delays and timeouts fire exactly when the test says, whatever the machine's load.
 *
 * <pre>{@code
 * ManualTimeSource time = new ManualTimeSource();
 * Hedge<String> hedge = Hedge.<String>builder().delay(Duration.ofSeconds(1)).timeSource(time).build();
 * CompletableFuture<String> f = hedge.callAsync(task);
 * time.advance(Duration.ofSeconds(1)); // the hedge starts now
 * }</pre>
 *
 * <p>Threads waiting in {@link #parkUntil(long)} are woken by every {@link #advance(Duration)} and check
 * their deadline again. {@link #waiters()} tells a test how many threads wait on this clock, so it can
 * advance time only once the library waits for it.
 *
 * <p><b>Thread safety:</b> thread-safe. <b>Interruption:</b> {@link #parkUntil(long)} returns when the
 * thread is interrupted and leaves its interrupt status set.
 */
public final class ManualTimeSource implements TimeSource {
  private final AtomicLong nanos;
  private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

  /** Creates a clock that reads 0 until advanced. */
  public ManualTimeSource() {
    this(0);
  }

  /**
   * Creates a clock with the given first reading.
   *
   * @param startNanos the first reading of {@link #nanoTime()}
   */
  public ManualTimeSource(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /**
   * Moves the clock forward and wakes every thread waiting on it.
   *
   * @param duration how far to move, zero or positive
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    nanos.addAndGet(duration.toNanos());
    for (Thread waiter : waiters) {
      LockSupport.unpark(waiter);
    }
  }

  /**
   * Parks until this clock reaches {@code deadlineNanos}, the thread is unparked or interrupted, or
   * spuriously.
   */
  @Override
  public void parkUntil(long deadlineNanos) {
    Thread me = Thread.currentThread();
    waiters.add(me);
    try {
      // Registered before reading the time: an advance after this read will unpark us.
      if (nanos.get() < deadlineNanos) {
        LockSupport.park(this);
      }
    } finally {
      waiters.remove(me);
    }
  }

  /**
   * Returns how many threads are waiting on this clock now.
   *
   * @return the number of threads inside {@link #parkUntil(long)}
   */
  public int waiters() {
    return waiters.size();
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + Duration.ofNanos(nanos.get()) + "]";
  }
}
