package dev.redundant;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a test makes a call: synchronously from a new platform or virtual thread, or with {@code callAsync}.
 * One enum for every test, so that each kind of caller is covered the same way. Tests of a synchronous
 * body use {@code @EnumSource(names = {"PLATFORM", "VIRTUAL"})}.
 */
final class Callers {
  private Callers() {}

  /** A body that may throw anything. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws Throwable;
  }

  /** How the call is made: {@code call} from a platform or a virtual thread, or {@code callAsync}. */
  enum Caller {
    PLATFORM,
    VIRTUAL,
    ASYNC;

    Thread unstarted(Runnable r) {
      return switch (this) {
        case PLATFORM -> Thread.ofPlatform().daemon().unstarted(r);
        case VIRTUAL -> Thread.ofVirtual().unstarted(r);
        case ASYNC -> throw new IllegalStateException(
            "ASYNC makes no caller thread: use start(hedge, task), or @EnumSource(names = {\"PLATFORM\", \"VIRTUAL\"})");
      };
    }

    /** Makes the call: {@code hedge.call(task)} on a new thread of this kind, or {@code hedge.callAsync(task)}. */
    <T> CompletableFuture<T> start(Hedge<T> hedge, AttemptTask<T> task) {
      if (this == ASYNC) {
        return hedge.callAsync(task);
      }
      return start(() -> hedge.call(task)).result();
    }

    /** Starts {@code body} on a new thread of this kind; not for {@link #ASYNC}. */
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

  /** Waits patiently for the call's value. */
  static <T> T valueOf(CompletableFuture<T> call) throws Exception {
    try {
      return call.get(Patiently.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not end within " + Patiently.PATIENCE, e);
    }
  }

  /** Waits patiently for the call's failure, unwrapped. */
  static Throwable failureOf(CompletableFuture<?> call) throws Exception {
    try {
      Object value = call.get(Patiently.PATIENCE.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not end within " + Patiently.PATIENCE, e);
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
