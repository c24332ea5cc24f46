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

/** rejectIf: a rejected value counts as a failed attempt. */
class HedgeRejectTest {
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
}
