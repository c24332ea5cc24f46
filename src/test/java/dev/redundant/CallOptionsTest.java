package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-call settings: a timeout or deadline at the call site, and the result of a success. */
class CallOptionsTest {

  private final ManualTimeSource time = new ManualTimeSource();

  private Hedge<String> policy() {
    return Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(100)).timeout(Duration.ofSeconds(1))
        .timeSource(time).build();
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aPerCallTimeoutOverridesThePolicysLongerOrShorter(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).timeout(Duration.ofSeconds(1)).timeSource(time)
        .build();
    for (Duration limit : new Duration[] {Duration.ofSeconds(3), Duration.ofMillis(300)}) {
      Duration start = Duration.ofNanos(time.nanoTime());
      Callers.Running<String> call = caller.start(() -> hedge.call(CallOptions.timeout(limit),
          new ScriptedTask<String>().otherwise(hang())));
      time.awaitParkedUntil(start.plus(limit)); // not the policy's 1 s
      time.advance(limit);
      Throwable failure = call.failure();
      assertThat(failure).isInstanceOf(HedgeTimeoutException.class);
      assertThat(((HedgeTimeoutException) failure).timeout()).isEqualTo(limit);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aDeadlineCountsWhatIsLeftOfItWhenTheCallStarts(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).timeSource(time).build();
    Deadline deadline = Deadline.after(Duration.ofMillis(500), time);
    time.advance(Duration.ofMillis(200)); // spent by the caller's own caller
    assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(300));
    Callers.Running<String> call = caller.start(() -> hedge.call(CallOptions.deadline(deadline),
        (java.util.concurrent.Callable<String>) () -> {
          new java.util.concurrent.CountDownLatch(1).await();
          return "never";
        }));
    time.awaitParkedUntil(Duration.ofMillis(500));
    time.advance(Duration.ofMillis(300));
    assertThat(call.failure()).isInstanceOf(HedgeTimeoutException.class);
    assertThat(deadline.isExpired()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aDeadlineThatHasPassedFailsTheCallBeforeAnyAttemptStarts(Caller mode) throws Exception {
    Deadline passed = Deadline.after(Duration.ZERO, time);
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(value("x"));
    Hedge<String> hedge = policy();
    CompletableFuture<String> call = mode == Caller.ASYNC ? hedge.callAsync(CallOptions.deadline(passed), task)
        : CompletableFuture.supplyAsync(() -> {
          try {
            return hedge.call(CallOptions.deadline(passed), task);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }, mode == Caller.VIRTUAL ? Thread::startVirtualThread : r -> Thread.ofPlatform().start(r));
    Throwable failure = Callers.failureOf(call);
    if (mode != Caller.ASYNC) {
      failure = failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
    }
    assertThat(failure).isInstanceOf(HedgeTimeoutException.class);
    assertThat(((HedgeTimeoutException) failure).attempts()).isEmpty();
    assertThat(task.started.get()).isZero();
    assertThat(hedge.statistics().calls()).isZero();
  }

  @Test
  void anAsyncPerCallTimeoutKeepsEveryFailure() throws Exception {
    IOException e0 = new IOException("attempt 0");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(e0)).otherwise(hang());
    CompletableFuture<String> call = policy().callAsync(CallOptions.timeout(Duration.ofMillis(50)), task);
    task.awaitStarted(2); // attempt 1 started by failover, and hangs
    time.awaitParkedUntil(Duration.ofMillis(50));
    time.advance(Duration.ofMillis(50));
    Throwable failure = Callers.failureOf(call);
    assertThat(failure).isInstanceOf(HedgeTimeoutException.class);
    assertThat(((HedgeTimeoutException) failure).failures()).containsExactly(e0);
    assertThat(((HedgeTimeoutException) failure).attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.FAILED, Outcome.CANCELLED);
    task.awaitInterrupted(1);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aResultTellsWhichAttemptWonAndWhatEveryAttemptDid(Caller mode) throws Exception {
    IOException e0 = new IOException("attempt 0");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(e0)).on(1, hang()).on(2, value("two"));
    Hedge<String> hedge = policy();
    CompletableFuture<HedgeResult<String>> call = switch (mode) {
      case ASYNC -> hedge.callForResultAsync(CallOptions.timeout(Duration.ofSeconds(5)), task);
      case PLATFORM, VIRTUAL -> {
        CompletableFuture<HedgeResult<String>> f = new CompletableFuture<>();
        mode.start(() -> f.complete(
            hedge.callForResult(task)));
        yield f;
      }
    };
    task.awaitStarted(2); // 0 failed at once, 1 started by failover
    time.awaitParkedUntil(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100)); // the hedge, attempt 2, wins at once
    HedgeResult<String> result = Callers.valueOf(call);
    assertThat(result.value()).isEqualTo("two");
    assertThat(result.winner()).isEqualTo(2);
    assertThat(result.duration()).isEqualTo(Duration.ofMillis(100));
    assertThat(result.attempts()).containsExactly(
        new AttemptReport(0, Outcome.FAILED, Duration.ZERO, e0),
        new AttemptReport(1, Outcome.CANCELLED, Duration.ofMillis(100), null),
        new AttemptReport(2, Outcome.SUCCEEDED, Duration.ZERO, null));
    patiently().until(() -> hedge.statistics().successes() == 1);
  }

  @Test
  void aResultOfACallableCall() throws Exception {
    HedgeResult<String> result = policy().callForResult(() -> "v");
    assertThat(result.value()).isEqualTo("v");
    assertThat(result.winner()).isZero();
    assertThat(result.attempts()).extracting(AttemptReport::outcome).containsExactly(Outcome.SUCCEEDED);
    assertThat(Callers.valueOf(policy().callForResultAsync(() -> null)).value()).isNull();
  }

  @Test
  void optionsAndDeadlinesAreCheckedAtTheBoundary() {
    assertThatThrownBy(() -> CallOptions.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> CallOptions.timeout(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
    assertThatThrownBy(() -> CallOptions.deadline(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("deadline");
    assertThatThrownBy(() -> Deadline.after(Duration.ofSeconds(1), null)).isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource");
    assertThatThrownBy(() -> policy().call((CallOptions) null, attempt -> "x"))
        .isInstanceOf(NullPointerException.class).hasMessage("options");
    assertThatThrownBy(() -> policy().callAsync(CallOptions.timeout(Duration.ofSeconds(1)), (AttemptTask<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("task");
    assertThat(CallOptions.timeout(Duration.ofSeconds(2)).callTimeout()).contains(Duration.ofSeconds(2));
    assertThat(CallOptions.timeout(Duration.ofSeconds(2)).callDeadline()).isEmpty();
  }

  /**
   * A call counts its deadline on the policy's clock, so a deadline on another one (the
   * system clock, in a test on a manual one) is refused by the call, naming it, and no attempt starts.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aDeadlineOnAnotherClockThanThePolicysIsRefusedAndNothingStarts(boolean async) {
    AtomicInteger attempts = new AtomicInteger();
    AttemptTask<String> task = attempt -> "attempt " + attempts.incrementAndGet();
    Hedge<String> hedge = policy();
    for (Deadline elsewhere : new Deadline[] {Deadline.after(Duration.ofHours(1)),
        Deadline.after(Duration.ofHours(1), new ManualTimeSource())}) {
      CallOptions options = CallOptions.deadline(elsewhere);
      assertThatThrownBy(() -> {
        if (async) {
          hedge.callAsync(options, task);
        } else {
          hedge.call(options, task);
        }
      }).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("options: the deadline is on " + elsewhere.timeSource() + ", but the policy's timeSource is "
              + time + ": a call counts its deadline on the policy's clock, so make the deadline there, "
              + "Deadline.after(timeout, timeSource)");
    }
    assertThat(attempts).hasValue(0);
    assertThat(hedge.statistics().calls()).isZero();
  }

  @Test
  void aDeadlineIsWrapSafeAndAHugeOneNeverExpires() {
    ManualTimeSource nearWrap = new ManualTimeSource(Long.MAX_VALUE - 10);
    Deadline d = Deadline.after(Duration.ofNanos(100), nearWrap);
    nearWrap.advance(Duration.ofNanos(50)); // the reading wraps past Long.MAX_VALUE
    assertThat(d.remaining()).isEqualTo(Duration.ofNanos(50));
    assertThat(d.isExpired()).isFalse();
    nearWrap.advance(Duration.ofNanos(50));
    assertThat(d.isExpired()).isTrue();
    nearWrap.advance(Duration.ofNanos(50));
    assertThat(d.remaining()).isZero();
    Deadline never = Deadline.after(Duration.ofDays(365L * 1000), nearWrap);
    nearWrap.advance(Duration.ofDays(365L * 100));
    assertThat(never.isExpired()).isFalse();
    assertThat(Deadline.after(Duration.ofSeconds(-1), nearWrap).isExpired()).isTrue();
  }
}
