package dev.redundant;

import static dev.redundant.Callers.failureOf;
import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.stubborn;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fatal failures: {@link HedgeBuilder#fatalIf} and {@link HedgeBuilder#fatalOn} classify a failure that
 * ends the call at once, cancelling the other attempts and reporting every failure; the fatal failure is
 * the cause of {@link FatalFailureException}; an error that must not be failed over from ends the call at
 * once and reaches the caller as itself.
 */
class FatalFailureTest {
  // ---------------------------------------------------------------- fatalIf

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

  // ---------------------------------------------------------------- fatalOn: by type, alone and with fatalIf

  /**
   * Runs a call of two attempts at once: attempt 0 works until interrupted, attempt 1 throws
   * {@code failure}. Returns the call's failure and whether attempt 0 was interrupted.
   */
  private static Throwable callWhereAttempt1Throws(Hedge<String> hedge, Caller caller, Exception failure,
      CountDownLatch attempt0Interrupted) throws Throwable {
    return caller.start(() -> hedge.call(attempt -> {
      if (attempt.index() == 1) {
        throw failure;
      }
      try {
        Thread.sleep(TimeUnit.DAYS.toMillis(1)); // stands for long work; interrupted when the call ends
      } catch (InterruptedException e) {
        attempt0Interrupted.countDown();
        throw e;
      }
      return "too late";
    })).failure();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aFailureOfAListedTypeOrSubtypeEndsTheCallAndCancelsTheOthers(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.builder().maxAttempts(2).delay(Duration.ZERO)
        .fatalOn(IllegalArgumentException.class, UncheckedIOException.class).build();
    NumberFormatException subtype = new NumberFormatException("not a number");
    CountDownLatch interrupted = new CountDownLatch(1);

    Throwable thrown = callWhereAttempt1Throws(hedge, caller, subtype, interrupted);

    assertThat(thrown).isInstanceOf(FatalFailureException.class);
    assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(subtype);
    patiently().until(() -> interrupted.getCount() == 0);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aFailureOfAnotherTypeFailsOver(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.builder().maxAttempts(2).noHedging()
        .fatalOn(IllegalArgumentException.class).build();

    String value = caller.start(() -> hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw new IOException("connection reset");
      }
      return "from attempt " + attempt.index();
    })).join();

    assertThat(value).isEqualTo("from attempt 1");
  }

  @Test
  void fatalOnAndFatalIfCombineWhicheverComesFirst() throws Throwable {
    Hedge<String> onThenIf = Hedge.builder().maxAttempts(2).delay(Duration.ZERO)
        .fatalOn(IllegalArgumentException.class).fatalIf(e -> e instanceof IllegalStateException).build();
    Hedge<String> ifThenOn = Hedge.builder().maxAttempts(2).delay(Duration.ZERO)
        .fatalIf(e -> e instanceof IllegalStateException).fatalOn(IllegalArgumentException.class).build();

    for (Hedge<String> hedge : java.util.List.of(onThenIf, ifThenOn)) {
      for (Exception failure : new Exception[] {new IllegalArgumentException("by type"),
          new IllegalStateException("by predicate")}) {
        CountDownLatch interrupted = new CountDownLatch(1);
        Throwable thrown = callWhereAttempt1Throws(hedge, Caller.VIRTUAL, failure, interrupted);
        assertThat(thrown).as("%s with %s", hedge, failure).isInstanceOf(FatalFailureException.class);
        assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(failure);
      }
    }
  }

  @Test
  void aSecondFatalOnReplacesTheFirst() throws Throwable {
    Hedge<String> hedge = Hedge.builder().maxAttempts(2).noHedging()
        .fatalOn(IllegalArgumentException.class).fatalOn(IllegalStateException.class).build();

    String value = hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw new IllegalArgumentException("no longer fatal");
      }
      return "failed over";
    });

    assertThat(value).isEqualTo("failed over");
    assertThat(hedge.toString()).contains("fatalOn=[IllegalStateException]")
        .doesNotContain("IllegalArgumentException");
  }

  @Test
  void causesAreNotUnwrapped() throws Throwable {
    Hedge<String> hedge = Hedge.builder().maxAttempts(2).noHedging()
        .fatalOn(IllegalArgumentException.class).build();

    String value = hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw new java.util.concurrent.ExecutionException(new IllegalArgumentException("wrapped"));
      }
      return "failed over";
    });

    assertThat(value).isEqualTo("failed over");
  }

  @Test
  void badTypesAreRefusedNamingTheParameter() {
    HedgeBuilder<Object> builder = Hedge.builder();
    assertThatThrownBy(() -> builder.fatalOn((Class<? extends Throwable>[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("fatalOn");
    assertThatThrownBy(() -> builder.fatalOn(IOException.class, null))
        .isInstanceOf(NullPointerException.class).hasMessage("fatalOn[1]");
    assertThatThrownBy(builder::fatalOn)
        .isInstanceOf(IllegalArgumentException.class).hasMessage("fatalOn needs at least one failure type");
    assertThat(builder.build()).hasToString("Hedge[maxAttempts=3, delay=PT1S]");
  }

  @Test
  void toStringNamesTheTypesAndThePredicate() {
    assertThat(Hedge.builder().fatalOn(IOException.class, IllegalArgumentException.class)
        .fatalIf(e -> false).build())
        .hasToString("Hedge[maxAttempts=3, delay=PT1S, fatalOn=[IOException, IllegalArgumentException], "
            + "fatalIf]");
  }

  // ---------------------------------------------------------------- the cause, and errors

  @ParameterizedTest
  @EnumSource(Caller.class)
  void theFatalFailureIsTheCauseAndTheOthersAreSuppressed(Caller mode) throws Exception {
    IOException first = new IOException("connection refused");
    IllegalArgumentException fatal = new IllegalArgumentException("unknown symbol ???");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(IllegalArgumentException.class::isInstance).build();
    FatalFailureException thrown = (FatalFailureException) failureOf(mode.start(hedge, attempt -> {
      if (attempt.index() == 0) {
        throw first;
      }
      throw fatal;
    }));
    assertThat(thrown.getCause()).isSameAs(fatal);
    assertThat(thrown.fatalFailure()).isSameAs(fatal);
    assertThat(thrown.getSuppressed()).containsExactly(first);
    assertThat(thrown.failures()).containsExactly(first, fatal);
    String message = thrown.getMessage();
    assertThat(message).startsWith("Fatal failure of attempt 1 ended the call:");
    assertThat(message.split(java.util.regex.Pattern.quote(fatal.toString()), -1)).hasSize(2); // once
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aVirtualMachineErrorEndsTheCallAtOnceAndReachesTheCaller(Caller mode) throws Exception {
    assertEndsTheCall(mode, new OutOfMemoryError("simulated"));
    assertEndsTheCall(mode, new StackOverflowError());
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAssertionErrorEndsTheCallAtOnceAndReachesTheCaller(Caller mode) throws Exception {
    assertEndsTheCall(mode, new AssertionError("expected 2 but was 3"));
  }

  /** Attempt 0 throws {@code error}; no failover starts, attempt 1 (a hedge) is interrupted. */
  private static void assertEndsTheCall(Caller mode, Error error) throws Exception {
    AtomicInteger started = new AtomicInteger();
    CountDownLatch hedgeStarted = new CountDownLatch(1);
    CountDownLatch hedgeInterrupted = new CountDownLatch(1);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3)
        .delay(i -> i == 1 ? Duration.ZERO : Duration.ofHours(1)).build();
    Throwable thrown = failureOf(mode.start(hedge, attempt -> {
      started.incrementAndGet();
      if (attempt.index() == 1) {
        hedgeStarted.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          hedgeInterrupted.countDown();
        }
        return "hedge";
      }
      hedgeStarted.await();
      throw error;
    }));
    assertThat(thrown).isSameAs(error);
    assertThat(hedgeInterrupted.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(started).hasValue(2); // no failover to attempt 2
  }
}
