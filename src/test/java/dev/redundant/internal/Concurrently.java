package dev.redundant.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntConsumer;

/** Runs a body on several threads released together, half of them platform and half virtual threads. */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Starts {@code threads} threads (even-numbered platform, odd-numbered virtual), releases them together
   * from a barrier to run {@code body} with their number, and waits for all of them to end.
   *
   * @param threads how many threads
   * @param body what each runs, given its number
   * @throws InterruptedException if interrupted while waiting
   */
  public static void run(int threads, IntConsumer body) throws InterruptedException {
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int number = t;
      Runnable released = () -> {
        try {
          start.await();
        } catch (InterruptedException | BrokenBarrierException e) {
          throw new IllegalStateException(e);
        }
        body.accept(number);
      };
      started.add(t % 2 == 0 ? Thread.ofPlatform().start(released) : Thread.ofVirtual().start(released));
    }
    for (Thread thread : started) {
      thread.join();
    }
  }
}
