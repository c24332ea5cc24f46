package dev.redundant.internal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future of an asynchronous call. Cancelling it, or completing it from outside (including
 * {@link #orTimeout}, {@link #completeAsync}, {@code obtrude...}), ends the call and interrupts every
 * attempt still running; plain {@link CompletableFuture#cancel(boolean)} would interrupt nothing. The engine
 * completes it only after the losers were interrupted, so a dependent stage finds them interrupted.
 *
 * <p><b>Thread safety:</b> as {@link CompletableFuture}.
 */
final class RaceFuture<T> extends CompletableFuture<T> {
  private static final java.lang.invoke.VarHandle SETTLED;

  static {
    try {
      SETTLED = java.lang.invoke.MethodHandles.lookup().findVarHandle(RaceFuture.class, "settled", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Set by Race.startAsync right after construction, before the future reaches anyone: never null in use.
  @SuppressWarnings("NullAway.Init")
  Race<T> race;
  /** Whether the outcome of a call that waits for losers was handed to this future. */
  private volatile boolean settled;

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

  /** Completes this future with the call's decided outcome. */
  void settle(Object outcome) {
    Decision.settleInto(race, this, outcome);
  }

  /**
   * Claims the one settlement of a call that waits for losers, where the last loser and a launch that
   * lost to the decision may both deliver.
   *
   * @return whether this caller settles
   */
  boolean claimSettlement() {
    return SETTLED.compareAndSet(this, false, true);
  }

  /** Returns whether the value completed this future (false: it was cancelled or completed from outside). */
  boolean settleValue(@Nullable T value) {
    return super.complete(value);
  }

  void settleExceptionally(Throwable failure) {
    super.completeExceptionally(failure);
  }
}
