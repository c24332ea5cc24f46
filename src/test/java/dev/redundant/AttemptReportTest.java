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

/** What AllAttemptsFailedException reports about each attempt. */
class AttemptReportTest {
  // ------------------------------------------------------------------ reports

  @Test
  void theReportsGiveIndexOutcomeDurationAndFailureOfEveryAttempt() throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
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
