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

/** fatalIf: a fatal failure ends the call at once and reports every failure. */
class HedgeFatalTest {
  // ------------------------------------------------------------------ fatalIf

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
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
}
