package dev.redundant;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** How the engine tests make a call: asynchronously, or synchronously from a platform or virtual thread. */
enum CallMode {
  ASYNC,
  SYNC_PLATFORM,
  SYNC_VIRTUAL;

  /** The longest a test waits for an outcome that must come; never a claim about speed. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Starts the call; a synchronous one runs on a new thread of its kind. */
  <T> CompletableFuture<T> start(Hedge<T> hedge, AttemptTask<T> task) {
    if (this == ASYNC) {
      return hedge.callAsync(task);
    }
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Runnable body = () -> {
      try {
        outcome.complete(hedge.call(task));
      } catch (Throwable t) {
        outcome.completeExceptionally(t);
      }
    };
    if (this == SYNC_PLATFORM) {
      Thread.ofPlatform().daemon().start(body);
    } else {
      Thread.ofVirtual().start(body);
    }
    return outcome;
  }

  /** Waits patiently for the value. */
  static <T> T valueOf(CompletableFuture<T> call) throws Exception {
    try {
      return call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not end within " + PATIENCE, e);
    }
  }

  /** Waits patiently for the failure, unwrapped. */
  static Throwable failureOf(CompletableFuture<?> call) throws Exception {
    try {
      Object value = call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the call did not end within " + PATIENCE, e);
    }
  }
}
