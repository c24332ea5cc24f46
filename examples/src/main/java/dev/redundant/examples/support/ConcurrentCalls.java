package dev.redundant.examples.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes numbered calls from concurrent virtual-thread callers, each calling in a loop. */
public final class ConcurrentCalls {
  private ConcurrentCalls() {}

  /** One call, given its number. */
  @FunctionalInterface
  public interface Call {
    /**
     * Makes call {@code i}.
     *
     * @param i the call's number, from 0 to {@code calls - 1}
     * @throws Exception if the call fails in a way the caller did not handle: ends the run
     */
    void make(int i) throws Exception;
  }

  /**
   * Makes calls 0 to {@code calls - 1}, {@code concurrency} at a time, and returns when all have ended.
   *
   * @param calls how many calls, at least 1
   * @param concurrency how many callers, at least 1
   * @param call the call
   * @throws InterruptedException if interrupted while waiting (the callers are then interrupted)
   * @throws IllegalStateException if a call threw
   * @throws IllegalArgumentException if {@code calls} or {@code concurrency} is below 1
   */
  public static void run(int calls, int concurrency, Call call) throws InterruptedException {
    if (calls < 1 || concurrency < 1) {
      throw new IllegalArgumentException(
          "calls and concurrency must be at least 1, were " + calls + " and " + concurrency);
    }
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> callers = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < concurrency; c++) {
        callers.add(executor.submit(() -> {
          for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
            call.make(i);
          }
          return null;
        }));
      }
      for (Future<?> caller : callers) {
        try {
          caller.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a call failed", e.getCause());
        } catch (InterruptedException e) {
          executor.shutdownNow(); // interrupt the callers; close() then waits for them
          throw e;
        }
      }
    }
  }
}
