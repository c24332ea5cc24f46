package dev.redundant;

import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link Redundant#firstSuccessAsync} and {@link Hedge#callAsync}. */
class RedundantAsyncTest {

  @Test
  void returnsAtOnceAndCompletesWithTheWinner() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(release, value("first")))
        .otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(3, task.asCallable());
    task.awaitStarted(3);
    assertThat(future).isNotDone();

    release.countDown();
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("first");
    task.awaitInterrupted(1, 2);
    task.awaitNothingRunning();
  }

  @Test
  void completesWithNull() throws Exception {
    CompletableFuture<Object> future = Redundant.firstSuccessAsync(2, () -> null);
    assertThat(future.get(30, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void completesExceptionallyWhenAllFail() throws Exception {
    IOException e0 = new IOException("0");
    IllegalStateException e1 = new IllegalStateException("1");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(e0)).on(1, fail(e1));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    CompletableFuture<String> future = hedge.callAsync(task);

    assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isExactlyInstanceOf(AllAttemptsFailedException.class);
    assertThatThrownBy(future::join)
        .isInstanceOf(CompletionException.class)
        .cause().isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = unwrap(future);
    assertThat(all.failures()).hasSize(2);
    assertThat(all.failures().get(0)).isSameAs(e0);
    assertThat(all.failures().get(1)).isSameAs(e1);
  }

  @Test
  void firstSuccessAsyncCompletesExceptionallyWhenAllFail() throws Exception {
    IOException boom = new IOException("boom");
    CompletableFuture<String> future = Redundant.firstSuccessAsync(3, () -> {
      throw boom;
    });
    AllAttemptsFailedException all = unwrap(future);
    assertThat(all.failures()).hasSize(3).allSatisfy(f -> assertThat(f).isSameAs(boom));
  }

  @Test
  void cancellingTheFutureInterruptsEveryAttempt() {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(3, task.asCallable());
    task.awaitStarted(3);

    assertThat(future.cancel(true)).isTrue();
    task.awaitInterrupted(0, 1, 2);
    task.awaitNothingRunning();
    assertThat(future).isCancelled();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void completingTheFutureFromOutsideInterruptsEveryAttempt() throws Exception {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(2, task.asCallable());
    task.awaitStarted(2);

    assertThat(future.complete("from outside")).isTrue();
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
    assertThat(future.get()).isEqualTo("from outside");
  }

  @Test
  void completingTheFutureExceptionallyFromOutsideInterruptsEveryAttempt() {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(2, task.asCallable());
    task.awaitStarted(2);

    IllegalStateException mine = new IllegalStateException("mine");
    assertThat(future.completeExceptionally(mine)).isTrue();
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
    assertThatThrownBy(future::join).hasCause(mine);
  }

  /** completeAsync is another way to complete the future from outside: it must end the call too. */
  @Test
  void completeAsyncFromOutsideInterruptsEveryAttempt() throws Exception {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(2, task.asCallable());
    task.awaitStarted(2);
    try {
      future.completeAsync(() -> "from outside");
      assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("from outside");
      task.awaitInterrupted(0, 1);
      task.awaitNothingRunning();
    } finally {
      task.threads.values().forEach(Thread::interrupt); // do not leave attempts behind if the call did not end
    }
  }

  @Test
  void obtrudingAValueInterruptsEveryAttempt() throws Exception {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future = Redundant.firstSuccessAsync(2, task.asCallable());
    task.awaitStarted(2);
    try {
      future.obtrudeValue("forced");
      task.awaitInterrupted(0, 1);
      task.awaitNothingRunning();
      assertThat(future.get()).isEqualTo("forced");
    } finally {
      task.threads.values().forEach(Thread::interrupt);
    }
  }

  @Test
  void orTimeoutInterruptsEveryAttempt() {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future =
        Redundant.firstSuccessAsync(3, task.asCallable()).orTimeout(20, TimeUnit.MILLISECONDS);

    task.awaitInterrupted(0, 1, 2);
    task.awaitNothingRunning();
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(TimeoutException.class);
  }

  @Test
  void completeOnTimeoutInterruptsEveryAttempt() {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    CompletableFuture<String> future =
        Redundant.firstSuccessAsync(2, task.asCallable()).completeOnTimeout("default", 20, TimeUnit.MILLISECONDS);

    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
    assertThat(future.join()).isEqualTo("default");
  }

  @Test
  void aTimedHedgeCallAsyncCanBeCancelledToo() {
    // a positive delay: the call watches the clock from a timer thread of its own
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(1)).build();
    CompletableFuture<String> future = hedge.callAsync(task);
    task.awaitStarted(2);

    future.cancel(true);
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
  }

  @Test
  void theCallableOverloadIsAccepted() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    assertThat(hedge.callAsync(() -> "plain").get(30, TimeUnit.SECONDS)).isEqualTo("plain");
  }

  @Test
  void aNullTaskStartsNothing() {
    Hedge<String> hedge = Hedge.<String>builder().build();
    assertThatThrownBy(() -> hedge.callAsync((AttemptTask<String>) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> hedge.callAsync((java.util.concurrent.Callable<String>) null))
        .isInstanceOf(NullPointerException.class);
  }

  static AllAttemptsFailedException unwrap(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(AllAttemptsFailedException.class);
      return (AllAttemptsFailedException) e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the future completed normally");
  }

}
