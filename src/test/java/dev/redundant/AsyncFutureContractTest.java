package dev.redundant;

import static dev.redundant.ScriptedTask.hang;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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

  /** A call whose two attempts hang until interrupted; both have started. */
  private record Hanging(ScriptedTask<String> task, CompletableFuture<String> future) {
    static Hanging start() {
      ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
      CompletableFuture<String> future = TWO_AT_ONCE.callAsync(task);
      task.awaitStarted(2);
      return new Hanging(task, future);
    }

    /** Waits until both attempts were interrupted and nothing runs: the holder's completion ended the call. */
    void awaitAttemptsInterrupted() {
      task.awaitInterrupted(0, 1);
      task.awaitNothingRunning();
    }
  }

  @Test
  void cancelReportsWhetherTheFutureIsCancelledAndInterruptsTheAttempts() {
    Hanging call = Hanging.start();
    CompletableFuture<String> future = call.future();

    assertThat(future.cancel(true)).isTrue();
    call.awaitAttemptsInterrupted();
    assertThat(future.cancel(true)).as("still cancelled, as CompletableFuture answers").isTrue();
    assertThat(future.complete("late")).as("already cancelled").isFalse();
    assertThat(future.completeExceptionally(new IllegalStateException())).isFalse();
    assertThat(future).isCancelled();
  }

  @Test
  void completeReportsWhetherItCompletedAndInterruptsTheAttempts() throws Exception {
    Hanging call = Hanging.start();
    CompletableFuture<String> future = call.future();

    assertThat(future.complete("mine")).isTrue();
    call.awaitAttemptsInterrupted();
    assertThat(future.complete("again")).isFalse();
    assertThat(future.cancel(true)).isFalse();
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("mine");
  }

  @Test
  void completeExceptionallyReportsWhetherItCompletedAndInterruptsTheAttempts() {
    Hanging call = Hanging.start();
    CompletableFuture<String> future = call.future();
    IllegalStateException mine = new IllegalStateException("mine");

    assertThat(future.completeExceptionally(mine)).isTrue();
    call.awaitAttemptsInterrupted();
    assertThat(future.completeExceptionally(new IllegalStateException("again"))).isFalse();
    assertThat(future.complete("late")).isFalse();
    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
        .isSameAs(mine);
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
    Hanging call = Hanging.start();
    CompletableFuture<String> future = call.future();

    assertThat(future.completeAsync(() -> "supplied", Runnable::run)).isSameAs(future);
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("supplied");
    call.awaitAttemptsInterrupted();
  }

  @Test
  void completeAsyncWithAThrowingSupplierCompletesExceptionallyAndEndsTheCall() {
    Hanging call = Hanging.start();
    IllegalStateException boom = new IllegalStateException("boom");

    CompletableFuture<String> returned = call.future().completeAsync(() -> {
      throw boom;
    }, Runnable::run);

    assertThat(returned).isSameAs(call.future());
    assertThatThrownBy(returned::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);
    call.awaitAttemptsInterrupted();
  }

  @Test
  void completeAsyncChecksItsArgumentsBeforeRunningAnything() {
    Hanging call = Hanging.start();
    CompletableFuture<String> future = call.future();
    try {
      assertThatThrownBy(() -> future.completeAsync(null, Runnable::run))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("supplier");
      assertThatThrownBy(() -> future.completeAsync(() -> "x", null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
      assertThat(future).isNotDone();
    } finally {
      future.cancel(true);
    }
    call.awaitAttemptsInterrupted();
  }
}
