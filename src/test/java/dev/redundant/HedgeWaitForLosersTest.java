package dev.redundant;

import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.stubborn;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** waitForLosers(true): the call returns only after every loser ended. */
class HedgeWaitForLosersTest {

  private static ScriptedTask<String> winnerAndStubbornLoser(CountDownLatch release) {
    CountDownLatch loserIn = new CountDownLatch(1);
    return new ScriptedTask<String>()
        .on(0, after(loserIn, value("winner")))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value("late")).run(entry); // delays its exit until released
        });
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void theCallReturnsOnlyAfterEveryLoserEnded(Caller caller) throws Throwable {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = winnerAndStubbornLoser(release);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).waitForLosers(true).build();
    Running<String> call = caller.start(() -> hedge.call(task));
    try {
      task.awaitInterrupted(1); // the call is decided: the loser was cancelled
      task.awaitThreadEnded(0);
      assertThat(call.isDone()).isFalse();
    } finally {
      release.countDown();
    }
    assertThat(call.join()).isEqualTo("winner");
    assertThat(task.running).as("nothing runs when the call returns").hasValue(0);
    assertThat(task.ended).contains(0, 1);
    assertThat(call.flagAtEnd()).isFalse();
  }

  @Test
  void theFutureCompletesOnlyAfterEveryLoserEnded() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = winnerAndStubbornLoser(release);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).waitForLosers(true).build();
    CompletableFuture<Integer> runningAtCompletion = new CompletableFuture<>();
    CompletableFuture<String> future = hedge.callAsync(task);
    future.whenComplete((v, e) -> runningAtCompletion.complete(task.running.get()));
    try {
      task.awaitInterrupted(1);
      task.awaitThreadEnded(0);
      assertThat(future).isNotDone();
    } finally {
      release.countDown();
    }
    assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("winner");
    assertThat(runningAtCompletion.get(30, TimeUnit.SECONDS)).isZero();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aFailedCallWaitsForLosersToo(Caller caller) throws Throwable {
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    IllegalArgumentException fatal = new IllegalArgumentException("fatal");
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(loserIn, fail(fatal)))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value("late")).run(entry);
        });
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).waitForLosers(true)
        .fatalIf(IllegalArgumentException.class::isInstance).build();
    Running<String> call = caller.start(() -> hedge.call(task));
    try {
      task.awaitInterrupted(1);
      task.awaitThreadEnded(0);
      assertThat(call.isDone()).isFalse();
    } finally {
      release.countDown();
    }
    assertThat(call.failure()).isInstanceOf(FatalFailureException.class);
    assertThat(task.running).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void anInterruptWhileWaitingForLosersReturnsTheOutcomeWithTheFlagSet(Caller caller) throws Throwable {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = winnerAndStubbornLoser(release);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).waitForLosers(true).build();
    Running<String> call = caller.start(() -> hedge.call(task));
    try {
      task.awaitInterrupted(1); // decided
      task.awaitThreadEnded(0);
      call.thread().interrupt(); // an interrupt after the decision: stops the wait, keeps the outcome
      assertThat(call.join()).isEqualTo("winner");
      assertThat(call.flagAtEnd()).as("interrupt status restored").isTrue();
      assertThat(task.ended).doesNotContain(1);
    } finally {
      release.countDown();
    }
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void withoutWaitForLosersTheCallDoesNotWait(Caller caller) throws Throwable {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = winnerAndStubbornLoser(release);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    try {
      assertThat(caller.start(() -> hedge.call(task)).join()).isEqualTo("winner");
      assertThat(task.ended).doesNotContain(1);
    } finally {
      release.countDown();
    }
    task.awaitNothingRunning();
  }
}
