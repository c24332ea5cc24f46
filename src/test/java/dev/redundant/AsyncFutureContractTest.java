package dev.redundant;

import static dev.redundant.ScriptedTask.hang;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The future of {@link Hedge#callAsync} keeps {@link CompletableFuture}'s contract for its holder: each
 * completion method says whether it completed the future, {@code completeAsync} returns the same future,
 * and whichever way the holder completes it, the call's attempts are interrupted.
 */
class AsyncFutureContractTest {

  private static final Hedge<String> TWO_AT_ONCE =
      Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();

  /** A task whose attempts hang until interrupted. */
  private static ScriptedTask<String> hangingTask() {
    return new ScriptedTask<String>().otherwise(hang());
  }

  @Test
  void cancelReportsWhetherItCancelledAndInterruptsTheAttempts() {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    task.awaitStarted(2);

    assertThat(future.cancel(true)).isTrue();
    task.awaitInterrupted(0, 1);
    assertThat(future.cancel(true)).as("still cancelled, as CompletableFuture answers").isTrue();
    assertThat(future.complete("late")).as("already cancelled").isFalse();
    assertThat(future.completeExceptionally(new IllegalStateException())).isFalse();
    assertThat(future).isCancelled();
    task.awaitNothingRunning();
  }

  @Test
  void completeReportsWhetherItCompletedAndInterruptsTheAttempts() throws Exception {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    task.awaitStarted(2);

    assertThat(future.complete("mine")).isTrue();
    task.awaitInterrupted(0, 1);
    assertThat(future.complete("again")).isFalse();
    assertThat(future.cancel(true)).isFalse();
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("mine");
    task.awaitNothingRunning();
  }

  @Test
  void completeExceptionallyReportsWhetherItCompletedAndInterruptsTheAttempts() {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    task.awaitStarted(2);
    IllegalStateException mine = new IllegalStateException("mine");

    assertThat(future.completeExceptionally(mine)).isTrue();
    task.awaitInterrupted(0, 1);
    assertThat(future.completeExceptionally(new IllegalStateException("again"))).isFalse();
    assertThat(future.complete("late")).isFalse();
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
        .isSameAs(mine);
    task.awaitNothingRunning();
  }

  @Test
  void aFutureTheCallCompletedRefusesTheHoldersCompletions() throws Exception {
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(attempt -> "won");
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("won");

    assertThat(future.complete("other")).isFalse();
    assertThat(future.completeExceptionally(new IllegalStateException())).isFalse();
    assertThat(future.cancel(true)).isFalse();
    assertThat(future.join()).isEqualTo("won");
  }

  @Test
  void completeAsyncReturnsTheSameFutureAndEndsTheCall() throws Exception {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    task.awaitStarted(2);
    Executor caller = Runnable::run;

    assertThat(future.completeAsync(() -> "supplied", caller)).isSameAs(future);
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("supplied");
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
  }

  @Test
  void completeAsyncWithAThrowingSupplierCompletesExceptionallyAndEndsTheCall() {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    task.awaitStarted(2);
    IllegalStateException boom = new IllegalStateException("boom");

    CompletableFuture<String> returned = future.completeAsync(() -> {
      throw boom;
    }, Runnable::run);

    assertThat(returned).isSameAs(future);
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
  }

  @Test
  void completeAsyncChecksItsArgumentsBeforeRunningAnything() {
    ScriptedTask<String> task = hangingTask();
    CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
    try {
      assertThatThrownBy(() -> future.completeAsync(null, Runnable::run))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("supplier");
      assertThatThrownBy(() -> future.completeAsync(() -> "x", null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
      assertThat(future).isNotDone();
    } finally {
      future.cancel(true);
    }
    task.awaitNothingRunning();
  }
}
