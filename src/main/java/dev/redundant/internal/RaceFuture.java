package dev.redundant.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The future of an asynchronous call. Cancelling it, or completing it from outside (including
 * {@link #orTimeout}), ends the call and interrupts every attempt still running; plain
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
