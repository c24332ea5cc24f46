package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Callers.Caller;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link HedgeBuilder#fatalOn}: failures classified by type, alone and together with fatalIf. */
class FatalOnTest {

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
}
