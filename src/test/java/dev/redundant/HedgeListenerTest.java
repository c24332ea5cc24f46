package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.HedgeListener.CallSummary;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HedgeListener events. */
class HedgeListenerTest {

  /** Records every event. */
  static final class Recorder implements HedgeListener {
    final List<Integer> started = new CopyOnWriteArrayList<>();
    final List<Integer> hedges = new CopyOnWriteArrayList<>();
    final List<Integer> succeeded = new CopyOnWriteArrayList<>();
    final List<Duration> succeededAfter = new CopyOnWriteArrayList<>();
    final List<AttemptReport> failed = new CopyOnWriteArrayList<>();
    final List<Integer> cancelled = new CopyOnWriteArrayList<>();
    final List<CallSummary> finished = new CopyOnWriteArrayList<>();

    @Override
    public void onAttemptStarted(Attempt attempt) {
      started.add(attempt.index());
    }

    @Override
    public void onHedgeStarted(Attempt attempt) {
      assertThat(started).contains(attempt.index()); // after onAttemptStarted
      hedges.add(attempt.index());
    }

    @Override
    public void onAttemptSucceeded(Attempt attempt, Duration duration) {
      succeeded.add(attempt.index());
      succeededAfter.add(duration);
    }

    @Override
    public void onAttemptFailed(Attempt attempt, AttemptReport report) {
      assertThat(report.index()).isEqualTo(attempt.index());
      failed.add(report);
    }

    @Override
    public void onAttemptCancelled(Attempt attempt) {
      cancelled.add(attempt.index());
    }

    @Override
    public void onCallFinished(CallSummary summary) {
      finished.add(summary);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aCallWithAWinnerReportsEveryEvent(Caller caller) throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    Recorder events = new Recorder();
    IOException e0 = new IOException("0");
    CountDownLatch win = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(e0))
        .on(1, after(win, value("winner")))
        .otherwise(hang());
    // attempt 0 fails at once, attempt 1 starts by failover, attempt 2 as a hedge after 1 s
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time)
        .listener(events).build();
    CompletableFuture<String> result = caller.start(() -> hedge.call(task)).result();
    task.awaitStarted(2);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(1));
    task.awaitStarted(3);
    time.advance(Duration.ofSeconds(2));
    win.countDown(); // attempt 1 wins after 3 s

    assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("winner");
    patiently().until(() -> events.finished.size() == 1 && events.cancelled.size() == 1);
    assertThat(events.started).containsExactly(0, 1, 2);
    assertThat(events.hedges).containsExactly(2); // attempt 1 was a failover
    assertThat(events.failed).containsExactly(new AttemptReport(0, Outcome.FAILED, Duration.ZERO, e0));
    assertThat(events.succeeded).containsExactly(1);
    assertThat(events.succeededAfter).containsExactly(Duration.ofSeconds(3));
    assertThat(events.cancelled).containsExactly(2);
    assertThat(events.finished).containsExactly(new CallSummary(true, 3, 1, 1, Duration.ofSeconds(3), 1));
    task.awaitInterrupted(2);
  }

  @Test
  void aFailedCallReportsItsFailuresAndNoWinner() throws Throwable {
    Recorder events = new Recorder();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).listener(events).build();
    java.util.concurrent.CyclicBarrier bothStarted = new java.util.concurrent.CyclicBarrier(2);
    Caller.PLATFORM.start(() -> hedge.call(attempt -> {
      bothStarted.await(30, java.util.concurrent.TimeUnit.SECONDS); // attempt 1 is a hedge, not a failover
      throw new IOException("attempt " + attempt.index());
    })).failure();
    patiently().until(() -> events.finished.size() == 1);
    assertThat(events.started).containsExactlyInAnyOrder(0, 1);
    assertThat(events.hedges).containsExactly(1);
    assertThat(events.failed).extracting(AttemptReport::index).containsExactlyInAnyOrder(0, 1);
    assertThat(events.succeeded).isEmpty();
    assertThat(events.cancelled).isEmpty();
    CallSummary summary = events.finished.get(0);
    assertThat(summary.succeeded()).isFalse();
    assertThat(summary.attemptsStarted()).isEqualTo(2);
    assertThat(summary.hedgesStarted()).isEqualTo(1);
    assertThat(summary.winner()).isEqualTo(-1);
  }

  @Test
  void aTimedOutAttemptIsReportedFailedAndTheCallerGivingUpCancelsTheRest() throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    Recorder events = new Recorder();
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .attemptTimeout(Duration.ofSeconds(1)).timeSource(time).listener(events).build();
    CompletableFuture<String> future = hedge.callAsync(task);
    task.awaitStarted(1);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(1));
    task.awaitStarted(2);
    future.cancel(true);

    patiently().until(() -> events.finished.size() == 1);
    assertThat(events.failed).extracting(AttemptReport::outcome).containsExactly(Outcome.TIMED_OUT);
    assertThat(events.cancelled).containsExactly(1);
    assertThat(events.finished.get(0).succeeded()).isFalse();
    task.awaitInterrupted(0, 1);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aThrowingListenerDoesNotBreakTheCall(Caller caller) throws Throwable {
    AtomicInteger calls = new AtomicInteger();
    HedgeListener throwing = new HedgeListener() {
      @Override
      public void onAttemptStarted(Attempt attempt) {
        calls.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onAttemptSucceeded(Attempt attempt, Duration duration) {
        calls.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onAttemptFailed(Attempt attempt, AttemptReport report) {
        calls.incrementAndGet();
        throw new Error("listener error");
      }

      @Override
      public void onAttemptCancelled(Attempt attempt) {
        calls.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onCallFinished(CallSummary summary) {
        calls.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }
    };
    CountDownLatch loserIn = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(new IOException("0")))
        .on(1, after(loserIn, value("winner")))
        .on(2, entry -> {
          loserIn.countDown();
          return ScriptedTask.<String>hang().run(entry);
        });
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).listener(throwing).build();
    try (CapturedStderr log = new CapturedStderr()) {
      assertThat(caller.start(() -> hedge.call(task)).join()).isEqualTo("winner");
      task.awaitInterrupted(2);
      // started x3, failed, succeeded, cancelled, finished
      patiently().until(() -> calls.get() == 7);

      IOException boom = new IOException("boom");
      Hedge<String> failing = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).listener(throwing).build();
      Throwable thrown = caller.start(() -> failing.call(() -> {
        throw boom;
      })).failure();
      assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
      assertThat(((AllAttemptsFailedException) thrown).failures()).containsExactly(boom, boom);
      // each exception is logged at warn level
      patiently().untilAsserted(() -> assertThat(log.text())
          .contains("WARN dev.redundant - HedgeListener.onAttemptStarted threw")
          .contains("WARN dev.redundant - HedgeListener.onAttemptSucceeded threw")
          .contains("WARN dev.redundant - HedgeListener.onAttemptFailed threw")
          .contains("WARN dev.redundant - HedgeListener.onAttemptCancelled threw")
          .contains("WARN dev.redundant - HedgeListener.onCallFinished threw"));
    }
  }
}
