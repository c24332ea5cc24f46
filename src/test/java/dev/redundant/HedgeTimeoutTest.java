package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The call timeout and the attempt timeout, on a manual clock. */
class HedgeTimeoutTest {

  @ParameterizedTest
  @EnumSource(Caller.class)
  void theCallTimeoutCancelsEveryAttemptAndCarriesTheFailuresSoFar(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    IOException e0 = new IOException("attempt 0");
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(e0))
        .otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1))
        .timeout(Duration.ofSeconds(5)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);

    task.awaitStarted(2); // attempt 1 by failover at t = 0
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(1)); // t = 1: hedge 2
    task.awaitStarted(3);
    time.awaitWaiters(1);
    time.advanceAndAwaitParked(Duration.ofMillis(3999));
    time.awaitParkedUntil(Duration.ofSeconds(5)); // t = 4.999: nothing
    assertThat(result).isNotDone();
    time.advance(Duration.ofMillis(1)); // t = 5: the timeout

    Throwable thrown = failureOf(result);
    assertThat(thrown).isExactlyInstanceOf(HedgeTimeoutException.class);
    HedgeTimeoutException timeout = (HedgeTimeoutException) thrown;
    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(timeout.getMessage()).startsWith("Call timed out after PT5S");
    assertThat(timeout.failures()).containsExactly(e0);
    assertThat(timeout.getCause()).isSameAs(e0);
    assertThat(timeout.attempts()).containsExactly(
        new AttemptReport(0, Outcome.FAILED, Duration.ZERO, e0),
        new AttemptReport(1, Outcome.CANCELLED, Duration.ofSeconds(5), null),
        new AttemptReport(2, Outcome.CANCELLED, Duration.ofSeconds(4), null));
    task.awaitInterrupted(1, 2);
    task.awaitNothingRunning();
    assertThat(task.started).hasValue(3);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aTimeoutBeforeAnyFailureHasNoFailures(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .timeout(Duration.ofSeconds(1)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);
    task.awaitStarted(2);
    time.advance(Duration.ofSeconds(2));

    HedgeTimeoutException timeout = (HedgeTimeoutException) failureOf(result);
    assertThat(timeout.failures()).isEmpty();
    assertThat(timeout.getCause()).isNull();
    assertThat(timeout.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.CANCELLED, Outcome.CANCELLED);
    task.awaitInterrupted(0, 1);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAttemptPastItsTimeoutIsCancelledAndTheNextStartsAtOnce(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, hang())
        .on(1, value("second"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .attemptTimeout(Duration.ofSeconds(2)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);

    task.awaitStarted(1);
    time.awaitWaiters(1);
    time.advance(Duration.ofMillis(1999));
    time.awaitWaiters(1);
    assertThat(task.started).hasValue(1);
    time.advance(Duration.ofMillis(1));

    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("second");
    task.awaitInterrupted(0);
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(task.sinceCallStartAtEntry.get(1)).isEqualTo(Duration.ofSeconds(2));
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void attemptsThatAllTimeOutAreReportedTimedOut(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .attemptTimeout(Duration.ofSeconds(2)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);

    task.awaitStarted(1);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(2)); // attempt 0 times out; attempt 1 starts
    task.awaitStarted(2);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(2)); // attempt 1 times out

    Throwable thrown = failureOf(result);
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) thrown;
    assertThat(all.attempts()).extracting(AttemptReport::outcome).containsExactly(Outcome.TIMED_OUT, Outcome.TIMED_OUT);
    assertThat(all.attempts()).extracting(AttemptReport::duration)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThat(all.failures()).hasSize(2).allSatisfy(f -> assertThat(f).isInstanceOf(AttemptTimeoutException.class));
    assertThat(all.failures().get(0)).hasMessage("Attempt 0 timed out after PT2S");
    assertThat(all.failures().get(1)).hasMessage("Attempt 1 timed out after PT2S");
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
  }

  /**
   * Failover only (no hedges) with an attempt timeout. Attempt 0's value is being validated by the result
   * predicate (slowly, on the attempt's thread) when the attempt timeout elapses: the clock watcher wakes,
   * finds attempt 0 already finished and nothing else to time, and parks. The predicate then rejects the
   * value, which starts attempt 1 by failover: attempt 1 must still be timed out after 1 s.
   */
  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAttemptStartedByFailoverWhileTheClockWatcherIsIdleStillTimesOut(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, entry -> {
          time.awaitWaiters(1); // the watcher waits for attempt 0's timeout
          return "invalid";
        })
        .on(1, hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2)
        .delay(java.time.temporal.ChronoUnit.FOREVER.getDuration()) // failover only
        .attemptTimeout(Duration.ofSeconds(1)).timeSource(time)
        .rejectIf(v -> {
          // a slow validation, during which the attempt timeout of attempt 0 elapses
          time.advanceAndAwaitParked(Duration.ofSeconds(1)); // the watcher wakes and parks again
          return v.equals("invalid");
        }).build();
    CompletableFuture<String> result = caller.start(hedge, task);
    try {
      task.awaitStarted(2);
      time.advance(Duration.ofSeconds(1)); // t = 2: attempt 1, started at t = 1, is due

      Throwable thrown = failureOf(result);
      assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
      assertThat(((AllAttemptsFailedException) thrown).attempts()).extracting(AttemptReport::outcome)
          // attempt 0 is still active while its predicate runs, so its attempt timeout ends it
          .containsExactly(Outcome.TIMED_OUT, Outcome.TIMED_OUT);
      task.awaitInterrupted(1);
    } finally {
      result.cancel(true);
      task.threads.values().forEach(Thread::interrupt); // end attempt 1, and so the call, if it hangs
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aCallerInterruptedWhileWaitingOnTheClockInterruptsEveryAttempt(Caller caller)
      throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1))
        .timeout(Duration.ofSeconds(10)).timeSource(time).build();
    dev.redundant.Callers.Running<String> call = caller.start(() -> hedge.call(task));
    task.awaitStarted(1);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(1));
    task.awaitStarted(2);
    time.awaitWaiters(1); // the caller waits on the clock for hedge 2

    call.thread().interrupt();
    assertThat(call.failure()).isInstanceOf(InterruptedException.class);
    assertThat(call.flagAtEnd()).isFalse();
    task.awaitInterrupted(0, 1);
    time.advance(Duration.ofHours(1)); // nothing more starts after the call ended
    task.awaitNothingRunning();
    assertThat(task.started).hasValue(2);
  }

  static Throwable failureOf(CompletableFuture<?> result) throws Exception {
    try {
      Object value = result.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
