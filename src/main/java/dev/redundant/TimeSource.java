package dev.redundant;

import java.util.concurrent.locks.LockSupport;

/**
 * The time that hedge delays and timeouts are measured on, and the way a thread waits for it.
 *
 * <p>Production code uses {@link #system()}, the default of every policy. Tests inject
 * {@link dev.redundant.testing.ManualTimeSource} through {@link HedgeBuilder#timeSource(TimeSource)}
 * so that delays and timeouts fire when the test advances time, never because the machine was slow.
 *
 * <p><b>Thread safety:</b> implementations must be safe for use by many threads at once.
 *
 * <p><b>Interruption:</b> {@link #parkUntil(long)} returns, without throwing, when the calling thread is
 * interrupted; the caller checks its interrupt status. It leaves the status as it found it.
 */
public interface TimeSource {

  /**
   * Returns the current time in nanoseconds, on an arbitrary origin fixed for this time source, as
   * {@link System#nanoTime()} does. Only differences between two readings have a meaning.
   *
   * @return the current reading, in nanoseconds
   */
  long nanoTime();

  /**
   * Parks the calling thread until {@link #nanoTime()} reaches {@code deadlineNanos}, or until the thread
   * is unparked ({@link LockSupport#unpark(Thread)}) or interrupted. May return spuriously: callers
   * re-check their condition and the time in a loop.
   *
   * @param deadlineNanos the reading of {@link #nanoTime()} to wait for
   */
  void parkUntil(long deadlineNanos);

  /**
   * Returns the time source of the running JVM: {@link System#nanoTime()} and
   * {@link LockSupport#parkNanos(Object, long)}.
   *
   * @return the system time source, a shared stateless instance
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}

/** {@link TimeSource#system()}: the JVM's monotonic clock. */
enum SystemTimeSource implements TimeSource {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining > 0) {
      LockSupport.parkNanos(this, remaining);
    }
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
