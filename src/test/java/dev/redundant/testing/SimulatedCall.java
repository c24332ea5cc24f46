package dev.redundant.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.awaitility.core.ConditionFactory;

/**
 * A call of a simulated dependency running in a thread of its own, which records how it ended and the
 * reading of the manual clock when it did, so that tests assert exact end times instead of racing the
 * thread.
 */
record SimulatedCall<T>(Thread thread, CompletableFuture<T> result, CompletableFuture<Long> endedAtNanos) {

  /** The longest a test waits for an event that must happen; never a claim about speed. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The two kinds of threads a simulator must serve. */
  enum Threads {
    PLATFORM(Thread.ofPlatform().daemon().factory()),
    VIRTUAL(Thread.ofVirtual().factory());

    final ThreadFactory factory;

    Threads(ThreadFactory factory) {
      this.factory = factory;
    }
  }

  static <T> SimulatedCall<T> start(Threads threads, ManualTimeSource time, Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Long> endedAt = new CompletableFuture<>();
    Thread thread = threads.factory.newThread(() -> {
      try {
        T value = work.call();
        endedAt.complete(time.nanoTime());
        result.complete(value);
      } catch (Throwable t) {
        endedAt.complete(time.nanoTime());
        result.completeExceptionally(t);
      }
    });
    thread.start();
    return new SimulatedCall<>(thread, result, endedAt);
  }

  /** Returns the clock's reading when the call ended, in milliseconds, waiting for the end. */
  long endedAtMillis() {
    return Duration.ofNanos(endedAtNanos.orTimeout(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
        .join()).toMillis();
  }

  static ConditionFactory patiently() {
    return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
  }

  /** Waits until exactly {@code n} threads are parked on the clock. */
  static void awaitWaiters(ManualTimeSource time, int n) {
    patiently().until(() -> time.waiters() == n);
  }
}
