package dev.redundant.testing;

import dev.redundant.TimeSource;
import java.util.concurrent.CountDownLatch;

/**
 * How the kit's fakes and simulators wait: out a latency on a {@link TimeSource}, on a latch, or until
 * interrupted; either interruptibly or ignoring interrupts. A wait on a clock parks in a loop until the
 * clock reaches the planned end, since {@link TimeSource#parkUntil(long)} may return early (an advance of
 * a manual clock, an unpark, or spuriously), and compares differences, so readings that wrap around work.
 * Stateless.
 */
final class Waits {
  /** How far ahead a wait with no planned end parks at a time: it parks again when it wakes. */
  private static final long FOREVER_STEP_NANOS = 86_400_000_000_000L;

  private Waits() {}

  /**
   * Waits until {@code time} reaches {@code endNanos}; an interrupt ends the wait at once.
   *
   * @throws InterruptedException if the thread is interrupted before the end, with its status cleared
   */
  static void until(TimeSource time, long endNanos) throws InterruptedException {
    while (time.nanoTime() - endNanos < 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted during a simulated latency");
      }
      time.parkUntil(endNanos);
    }
  }

  /**
   * Waits until {@code time} reaches {@code endNanos}, whatever interrupts arrive meanwhile.
   *
   * @return whether the thread was interrupted before or during the wait; its status is cleared
   */
  static boolean uninterruptiblyUntil(TimeSource time, long endNanos) {
    boolean interrupted = Thread.interrupted();
    while (time.nanoTime() - endNanos < 0) {
      time.parkUntil(endNanos);
      // An interrupt makes parkUntil return at once: clear it, or the loop would spin until the end.
      interrupted |= Thread.interrupted();
    }
    return interrupted;
  }

  /**
   * Waits until {@code time} has passed {@code startNanos + nanos}.
   *
   * @throws InterruptedException if the thread is interrupted before or during the wait, unless
   *     {@code ignoreInterrupts}; the interrupt status is then cleared. When interrupts are ignored, the
   *     wait runs to its end and the status is set again if an interrupt arrived.
   */
  static void latency(TimeSource time, long startNanos, long nanos, boolean ignoreInterrupts)
      throws InterruptedException {
    long end = startNanos + nanos;
    if (!ignoreInterrupts) {
      until(time, end);
    } else if (uninterruptiblyUntil(time, end)) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the thread is interrupted: a call that never answers.
   *
   * @throws InterruptedException when interrupted, with its status cleared
   */
  static void forever(TimeSource time) throws InterruptedException {
    while (!Thread.interrupted()) {
      // A deadline relative to now: Long.MAX_VALUE could overflow against a negative reading.
      time.parkUntil(time.nanoTime() + FOREVER_STEP_NANOS);
    }
    throw new InterruptedException("interrupted while a simulated call hung");
  }

  /**
   * Waits until {@code latch} opens, interruptibly unless {@code ignoreInterrupts}; then an interrupt
   * that arrived meanwhile is set again on the thread.
   */
  static void latch(CountDownLatch latch, boolean ignoreInterrupts) throws InterruptedException {
    if (!ignoreInterrupts) {
      latch.await();
      return;
    }
    boolean interruptedMeanwhile = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interruptedMeanwhile = true;
      }
    }
    if (interruptedMeanwhile) {
      Thread.currentThread().interrupt();
    }
  }
}
