package dev.redundant.opentelemetry;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future of a traced async call: completed from the policy's future once the call's span has ended,
 * and, like the policy's future, cancelling or completing it from outside ends the call, which interrupts
 * every attempt still running.
 *
 * <p><b>Thread safety:</b> as {@link CompletableFuture}.
 *
 * @param <R> the value type
 */
final class TracedFuture<R> extends CompletableFuture<R> {
  private final CompletableFuture<?> source;

  TracedFuture(CompletableFuture<?> source) {
    this.source = source;
  }

  /** Completes with the call's value. */
  void settle(@Nullable R value) {
    super.complete(value);
  }

  /** Completes with the call's failure. */
  void settleExceptionally(Throwable failure) {
    super.completeExceptionally(failure);
  }

  private void abort() {
    source.cancel(true); // the policy's future interrupts the attempts; a decided call keeps its outcome
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    abort();
    return cancelled;
  }

  @Override
  public boolean complete(R value) {
    boolean completed = super.complete(value);
    abort();
    return completed;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    boolean completed = super.completeExceptionally(ex);
    abort();
    return completed;
  }

  @Override
  public void obtrudeValue(R value) {
    super.obtrudeValue(value);
    abort();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    super.obtrudeException(ex);
    abort();
  }

  @Override
  public CompletableFuture<R> completeAsync(Supplier<? extends R> supplier, Executor executor) {
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
}
