package dev.redundant.testing;

import dev.redundant.TimeSource;
import java.util.concurrent.CountDownLatch;

/**
 * How the kit's fakes wait: a latency on a {@link TimeSource}, or a latch; either interruptibly or
 * ignoring interrupts. Stateless.
 */
final class Waits {
  private Waits() {}

  /**
   * Waits until {@code time} has passed {@code startNanos + nanos}, parking on it in a loop (it may
   * return spuriously). Compares differences, so readings that wrap around work.
   *
   * @throws InterruptedException if the thread is interrupted before or during the wait, unless
   *     {@code ignoreInterrupts}; the interrupt status is then cleared. When interrupts are ignored, the
   *     wait runs to its end and the status is set again if an interrupt arrived.
   */
  static void latency(TimeSource time, long startNanos, long nanos, boolean ignoreInterrupts)
      throws InterruptedException {
    long end = startNanos + nanos;
    boolean interruptedMeanwhile = false;
    while (time.nanoTime() - end < 0) {
      if (Thread.interrupted()) {
        if (!ignoreInterrupts) {
          throw new InterruptedException("interrupted during a simulated latency");
        }
        interruptedMeanwhile = true;
      }
      time.parkUntil(end);
    }
    if (interruptedMeanwhile) {
      Thread.currentThread().interrupt();
    }
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
