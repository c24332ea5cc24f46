package dev.redundant.internal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The future of an asynchronous call. Cancelling it, or completing it from outside (including
 * {@link #orTimeout}, {@link #completeAsync}, {@code obtrude...}), ends the call and interrupts every attempt still running; plain
 * {@link CompletableFuture#cancel(boolean)} would interrupt nothing.
 */
final class RaceFuture<T> extends CompletableFuture<T> {
  Race<T> race;

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    race.abort();
    return cancelled;
  }

  @Override
  public boolean complete(T value) {
    boolean completed = super.complete(value);
    race.abort();
    return completed;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    race.abort();
    return completed;
  }

  @Override
  public void obtrudeValue(T value) {
    super.obtrudeValue(value);
    race.abort();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    super.obtrudeException(ex);
    race.abort();
  }

  /** Completes through {@link #complete}, so that the call ends: the JDK's version bypasses it. */
  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    Objects.requireNonNull(supplier, "supplier");
    Objects.requireNonNull(executor, "executor");
    executor.execute(() -> {
      try {
        complete(supplier.get());
      } catch (Throwable t) {
        completeExceptionally(t instanceof CompletionException ? t : new CompletionException(t));
      }
    });
    return this;
  }

  void settle(Object outcome) {
    race.settleInto(this, outcome);
  }

  void settleValue(T value) {
    super.complete(value);
  }

  void settleExceptionally(Throwable failure) {
    super.completeExceptionally(failure);
  }
}
