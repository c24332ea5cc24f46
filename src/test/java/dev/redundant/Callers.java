package dev.redundant;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a test body on a new platform or virtual thread, so that both kinds of callers are covered. */
final class Callers {
  private Callers() {}

  /** A body that may throw anything. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws Throwable;
  }

  /** The kind of thread that makes the call. */
  enum Caller {
    PLATFORM,
    VIRTUAL;

    Thread unstarted(Runnable r) {
      return this == PLATFORM ? Thread.ofPlatform().daemon().unstarted(r) : Thread.ofVirtual().unstarted(r);
    }

    /** Starts {@code body} on a new thread of this kind. */
    <T> Running<T> start(Body<T> body) {
      CompletableFuture<T> result = new CompletableFuture<>();
      CompletableFuture<Boolean> interruptedAtEnd = new CompletableFuture<>();
      Thread thread = unstarted(() -> {
        try {
          T value = body.run();
          interruptedAtEnd.complete(Thread.currentThread().isInterrupted());
          result.complete(value);
        } catch (Throwable t) {
          interruptedAtEnd.complete(Thread.currentThread().isInterrupted());
          result.completeExceptionally(t);
        }
      });
      thread.start();
      return new Running<>(thread, result, interruptedAtEnd);
    }

    /** Runs {@code body} on a new thread of this kind, waits for it, and rethrows its failure. */
    void run(Body<?> body) throws Throwable {
      start(body).join();
    }
  }

  /**
   * A body running on its own thread.
   *
   * @param thread the thread
   * @param result its value or failure
   * @param interruptedAtEnd the thread's interrupt status just after the body returned or threw
   */
  record Running<T>(Thread thread, CompletableFuture<T> result, CompletableFuture<Boolean> interruptedAtEnd) {

    /** Waits (patiently) for the body and returns its value, or throws what it threw. */
    T join() throws Throwable {
      try {
        return result.get(Patiently.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause();
      } catch (TimeoutException e) {
        throw new AssertionError("the body did not end within " + Patiently.PATIENCE + "; it is stuck at "
            + java.util.Arrays.toString(thread.getStackTrace()), e);
      }
    }

    /** Waits for the body, which must fail, and returns what it threw. */
    Throwable failure() throws Throwable {
      T value;
      try {
        value = join();
      } catch (AssertionError e) {
        throw e;
      } catch (Throwable t) {
        return t;
      }
      throw new AssertionError("expected a failure but the body returned " + value);
    }

    boolean isDone() {
      return result.isDone();
    }

    boolean flagAtEnd() throws Exception {
      return interruptedAtEnd.get(Patiently.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
