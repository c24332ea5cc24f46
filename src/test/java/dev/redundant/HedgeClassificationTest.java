package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.stubborn;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fatalIf, rejectIf, discarded values, and the reports of a failed call. */
class HedgeClassificationTest {

  /** A value that holds a resource. */
  static final class Resource implements AutoCloseable {
    final String name;
    final AtomicInteger closed = new AtomicInteger();

    Resource(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }

    @Override
    public String toString() {
      return "Resource[" + name + "]";
    }
  }

  // ------------------------------------------------------------------ fatalIf

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFatalFailureEndsTheCallAtOnceAndCancelsTheOthers(Caller caller) throws Throwable {
    IllegalArgumentException fatal = new IllegalArgumentException("400 bad request");
    CountDownLatch othersIn = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, entry -> {
          othersIn.countDown();
          return ScriptedTask.<String>hang().run(entry);
        })
        .on(1, after(othersIn, fail(fatal)))
        .on(2, entry -> {
          othersIn.countDown();
          return stubborn(release, value("late")).run(entry); // ignores the interrupt
        });
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO)
        .fatalIf(e -> e instanceof IllegalArgumentException).build();
    try {
      Throwable failure = caller.start(() -> hedge.call(task)).failure();

      assertThat(task.ended).as("the call did not wait for attempt 2").doesNotContain(2);
      assertThat(failure).isExactlyInstanceOf(FatalFailureException.class);
      FatalFailureException ffe = (FatalFailureException) failure;
      assertThat(ffe.fatalFailure()).isSameAs(fatal);
      assertThat(ffe.failures()).anySatisfy(f -> assertThat(f).isSameAs(fatal));
      assertThat(ffe.attempts()).extracting(AttemptReport::outcome)
          .containsExactly(Outcome.CANCELLED, Outcome.FAILED, Outcome.CANCELLED);
      assertThat(ffe.attempts().get(1).failure()).isSameAs(fatal);
      assertThat(ffe.getMessage()).contains("Fatal failure").contains(fatal.toString());
      task.awaitInterrupted(0, 2);
    } finally {
      release.countDown();
    }
    task.awaitNothingRunning();
  }

  @Test
  void theFatalPredicateSeesTheFailureAsThrownAndANonFatalFailureStartsTheNextAttempt() throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    IOException transientFailure = new IOException("503");
    AtomicReference<Throwable> tested = new AtomicReference<>();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(transientFailure))
        .on(1, value("second"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1)).timeSource(time)
        .fatalIf(e -> {
          tested.set(e);
          return e instanceof IllegalArgumentException;
        }).build();

    assertThat(Caller.VIRTUAL.start(() -> hedge.call(task)).join()).isEqualTo("second");
    assertThat(tested.get()).isSameAs(transientFailure);
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
  }

  @Test
  void aThrowingFatalPredicateMakesTheFailureFatal() throws Throwable {
    IOException failure = new IOException("x");
    IllegalStateException predicateBug = new IllegalStateException("predicate bug");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(failure)).otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(e -> {
          throw predicateBug;
        }).build();

    Throwable thrown = Caller.PLATFORM.start(() -> hedge.call(task)).failure();
    assertThat(thrown).isExactlyInstanceOf(FatalFailureException.class);
    assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(failure);
    assertThat(thrown.getSuppressed()).containsExactly(predicateBug); // never on the task's own exception
    assertThat(failure.getSuppressed()).isEmpty();
    assertThat(task.started).hasValue(1);
  }

  @Test
  void aFatalFailureAfterOtherFailuresReportsThemAll() throws Throwable {
    IOException first = new IOException("first");
    IllegalArgumentException fatal = new IllegalArgumentException("fatal");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(first)).on(1, fail(fatal)).otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(IllegalArgumentException.class::isInstance).build();

    FatalFailureException ffe = (FatalFailureException) Caller.PLATFORM.start(() -> hedge.call(task)).failure();
    assertThat(ffe.fatalFailure()).isSameAs(fatal);
    assertThat(ffe.failures()).containsExactly(first, fatal);
    assertThat(ffe.getCause()).isSameAs(fatal);
    assertThat(ffe.getSuppressed()).containsExactly(first);
    assertThat(task.started).hasValue(2);
  }

  // ------------------------------------------------------------------ rejectIf

  @Test
  void aRejectedValueCountsAsAFailedAttemptAndStartsTheNextAtOnce() throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, value("503"))
        .on(1, value("200"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1)).timeSource(time)
        .rejectIf("503"::equals).build();

    assertThat(Caller.VIRTUAL.start(() -> hedge.call(task)).join()).isEqualTo("200");
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(task.started).hasValue(2);
  }

  @Test
  void rejectedValuesAreReportedWithTheValue() throws Throwable {
    String bad0 = new String("bad");
    String bad1 = new String("bad");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, value(bad0)).on(1, value(bad1)).on(2, value(null));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO)
        .rejectIf(v -> v == null || v.equals("bad")).build();

    Throwable thrown = Caller.PLATFORM.start(() -> hedge.call(task)).failure();
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) thrown;
    assertThat(all.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.REJECTED, Outcome.REJECTED, Outcome.REJECTED);
    assertThat(all.failures()).hasSize(3).allSatisfy(f -> assertThat(f).isInstanceOf(RejectedResultException.class));
    assertThat(((RejectedResultException) all.failures().get(0)).value()).isSameAs(bad0);
    assertThat(((RejectedResultException) all.failures().get(1)).value()).isSameAs(bad1);
    assertThat(((RejectedResultException) all.failures().get(2)).value()).isNull();
    for (int i = 0; i < 3; i++) {
      assertThat(all.attempts().get(i).failure()).isSameAs(all.failures().get(i));
    }
  }

  @Test
  void aThrowingResultPredicateRejectsTheValue() throws Throwable {
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, value("boom")).on(1, value("fine"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .rejectIf(v -> {
          if (v.equals("boom")) {
            throw new IllegalStateException("predicate bug");
          }
          return false;
        }).build();
    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isEqualTo("fine");
    assertThat(task.started).hasValue(2);
  }

  @Test
  void rejectedAndFailedAttemptsAreNeverFatal() throws Throwable {
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, value("bad")).on(1, value("good"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .rejectIf("bad"::equals).fatalIf(e -> true).build();
    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isEqualTo("good");
  }

  @Test
  void aRejectedAutoCloseableIsClosedAndTheWinnerIsNot() throws Throwable {
    Resource rejected = new Resource("rejected");
    Resource accepted = new Resource("accepted");
    ScriptedTask<Resource> task = new ScriptedTask<Resource>().on(0, value(rejected)).on(1, value(accepted));
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .rejectIf(r -> r.name.equals("rejected")).build();

    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isSameAs(accepted);
    assertThat(rejected.closed).hasValue(1);
    task.awaitNothingRunning();
    assertThat(accepted.closed).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aValueArrivingAfterTheWinnerIsClosed(Caller caller) throws Throwable {
    Resource winner = new Resource("winner");
    Resource late = new Resource("late");
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(loserIn, value(winner)))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value(late)).run(entry);
        });
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO).build();
    try {
      assertThat(caller.start(() -> hedge.call(task)).join()).isSameAs(winner);
      task.awaitInterrupted(1);
    } finally {
      release.countDown();
    }
    task.awaitThreadEnded(1);
    patiently().untilAsserted(() -> assertThat(late.closed).hasValue(1));
    assertThat(winner.closed).hasValue(0);
  }

  /**
   * The loser finishes on its own, before it is cancelled, just after the winner was chosen (while a
   * dependent stage of the future holds the winner's thread): its value loses the race and is closed.
   */
  @Test
  void aValueThatLosesTheRaceByAHairIsClosed() throws Exception {
    Resource winner = new Resource("winner");
    Resource late = new Resource("late");
    CountDownLatch win = new CountDownLatch(1);
    CountDownLatch loserMayReturn = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(win, value(winner)))
        .on(1, entry -> { // ignores its interrupt: returns its value after the winner's
          boolean interrupted = false;
          while (true) {
            try {
              loserMayReturn.await();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          return late;
        });
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO).build();
    java.util.concurrent.CompletableFuture<Resource> future = hedge.callAsync(task);
    task.awaitStarted(2);
    java.util.concurrent.CompletableFuture<Void> held = future.thenRun(() -> {
      // runs on the winner's thread once the call is decided (and the loser interrupted)
      loserMayReturn.countDown();
      task.awaitThreadEnded(1);
    });
    win.countDown();

    assertThat(future.get(30, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(winner);
    held.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(late.closed).hasValue(1);
    assertThat(winner.closed).hasValue(0);
  }

  @Test
  void aValueArrivingAfterTheCallFailedIsClosed() throws Throwable {
    Resource late = new Resource("late");
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(loserIn, fail(new IllegalArgumentException("fatal"))))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value(late)).run(entry);
        });
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO)
        .fatalIf(IllegalArgumentException.class::isInstance).build();
    try {
      assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).failure()).isInstanceOf(FatalFailureException.class);
      task.awaitInterrupted(1);
    } finally {
      release.countDown();
    }
    task.awaitThreadEnded(1);
    assertThat(late.closed).hasValue(1);
  }

  // ------------------------------------------------------------------ reports

  @Test
  void theReportsGiveIndexOutcomeDurationAndFailureOfEveryAttempt() throws Throwable {
    ProbedTimeSource time = new ProbedTimeSource();
    IOException e0 = new IOException("attempt 0");
    String bad = new String("bad");
    CountDownLatch fail0 = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(fail0, fail(e0)))
        .on(1, value(bad))
        .on(2, hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1))
        .attemptTimeout(Duration.ofSeconds(5)).rejectIf("bad"::equals).timeSource(time).build();
    Running<String> call = Caller.PLATFORM.start(() -> hedge.call(task));

    task.awaitStarted(1);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1)); // t = 1: hedge 1, rejected at once; failover 2
    task.awaitStarted(3);
    task.awaitThreadEnded(1);
    time.advance(Duration.ofSeconds(1)); // t = 2: attempt 0 fails
    fail0.countDown();
    task.awaitThreadEnded(0);
    time.advance(Duration.ofSeconds(4)); // t = 6: attempt 2 (started at 1) times out

    Throwable thrown = call.failure();
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) thrown;
    assertThat(all.attempts()).hasSize(3);
    AttemptReport r0 = all.attempts().get(0);
    AttemptReport r1 = all.attempts().get(1);
    AttemptReport r2 = all.attempts().get(2);
    assertThat(r0).isEqualTo(new AttemptReport(0, Outcome.FAILED, Duration.ofSeconds(2), e0));
    assertThat(r1.index()).isEqualTo(1);
    assertThat(r1.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r1.duration()).isEqualTo(Duration.ZERO);
    assertThat(r1.failure()).isInstanceOf(RejectedResultException.class);
    assertThat(((RejectedResultException) r1.failure()).value()).isSameAs(bad);
    assertThat(r2.index()).isEqualTo(2);
    assertThat(r2.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(r2.duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r2.failure()).isInstanceOf(AttemptTimeoutException.class)
        .hasMessage("Attempt 2 timed out after PT5S");
    assertThat(all.failures()).containsExactly(e0, r1.failure(), r2.failure());
    assertThat(all.getMessage()).contains("All 3 attempts failed", "attempt 0 failed after 2000.0 ms",
        "attempt 1 rejected after 0.0 ms", "attempt 2 timed out after 5000.0 ms");
    task.awaitInterrupted(2);
  }
}
