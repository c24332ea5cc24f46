package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeListener.SkippedAttempt.Reason;
import dev.redundant.Attempt.Trigger;
import dev.redundant.testing.CallRecord;
import dev.redundant.testing.FakeDependency;
import dev.redundant.testing.ManualTimeSource;
import dev.redundant.testing.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * The contracts of a blocking call, for calls whose attempts return a stage, on the test kit: every
 * attempt is a {@link FakeDependency#stage()} that the {@link ManualTimeSource} completes, so nothing
 * sleeps and every instant is exact. Each test makes its call from a platform and from a virtual thread
 * (the first attempt is started on that thread); {@link StageCallTest} holds the stage-specific ones.
 */
class StageContractTest {

  private static final Duration MS_10 = Duration.ofMillis(10);
  private static final Duration MS_100 = Duration.ofMillis(100);

  private final ManualTimeSource time = new ManualTimeSource();

  /** The first attempts of every call, in call order. */
  private FakeDependency<String> firsts(List<Reply<String>> replies) {
    return FakeDependency.builder(String.class).timeSource(time).script(replies).build();
  }

  /** Every later attempt: hangs until cancelled. */
  private FakeDependency<String> hanging() {
    return FakeDependency.builder(String.class).timeSource(time).otherwise(Reply.hang()).build();
  }

  /** Attempt 0 from {@code first}, every other from {@code others}. */
  private static StageTask<String> split(FakeDependency<String> first, FakeDependency<String> others) {
    return attempt -> attempt.index() == 0 ? first.stage() : others.stage();
  }

  /** Makes the call on a new thread of {@code caller}'s kind and returns its future. */
  private static <T> CompletableFuture<T> startOn(Caller caller, Callers.Body<CompletableFuture<T>> call)
      throws Throwable {
    AtomicReference<CompletableFuture<T>> future = new AtomicReference<>();
    caller.run(() -> {
      future.set(call.run());
      return null;
    });
    return future.get();
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void anAdaptiveDelayHedgesExactlyAtTheDelayItLearnt(Caller caller) throws Throwable {
    List<Reply<String>> warmUp = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      warmUp.add(Reply.value("first").after(Duration.ofMillis(i % 100 + 1))); // uniform 1..100 ms
    }
    warmUp.add(Reply.hang());
    FakeDependency<String> first = firsts(warmUp);
    FakeDependency<String> hedges = FakeDependency.builder(String.class).timeSource(time)
        .otherwise(Reply.value("hedge")).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(200).minSamples(100)).build();
    StageTask<String> task = split(first, FakeDependency.builder(String.class).timeSource(time)
        .otherwise(Reply.hang()).build());
    for (int i = 0; i < 300; i++) {
      CompletableFuture<String> call = startOn(caller, () -> hedge.callStage(task));
      time.advanceAndAwaitParked(Duration.ofMillis(i % 100 + 1)); // the first attempt answers
      assertThat(Callers.valueOf(call)).isEqualTo("first");
    }
    patiently().until(() -> hedge.statistics().successes() == 300);
    assertThat(hedge.statistics().delayMode()).isEqualTo(DelayMode.LEARNT);
    Duration delay = hedge.statistics().currentDelay().orElseThrow();
    assertThat(delay).isBetween(Duration.ofMillis(90), Duration.ofMillis(95));

    Duration start = time.elapsed();
    CompletableFuture<String> call = startOn(caller, () -> hedge.callStage(split(first, hedges)));
    time.awaitParkedUntil(start.plus(delay));
    time.advanceAndAwaitParked(delay.minusNanos(1));
    assertThat(hedges.calls()).isEmpty();
    time.advance(Duration.ofNanos(1));

    assertThat(Callers.valueOf(call)).isEqualTo("hedge");
    assertThat(hedges.record(0).start()).isEqualTo(start.plus(delay)); // the fake's origin is the clock's
    first.awaitCancelled(1);
    assertThat(first.record(300).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aBudgetThatDeniesAHedgeLeavesTheAttemptsInFlightAlone(Caller caller) throws Throwable {
    List<SkippedAttempt> skipped = new CopyOnWriteArrayList<>();
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(MS_10).timeout(Duration.ofSeconds(1))
        .timeSource(time).budget(budget).listener(new HedgeListener() {
          @Override
          public void onAttemptSkipped(SkippedAttempt s) {
            skipped.add(s);
          }
        }).build();
    FakeDependency<String> first = firsts(List.of(Reply.value("first").after(Duration.ofMillis(500))));
    FakeDependency<String> others = hanging();

    CompletableFuture<HedgeResult<String>> call =
        startOn(caller, () -> hedge.callStageForResult(split(first, others)));
    time.awaitParkedUntil(MS_10);
    time.advanceAndAwaitParked(MS_10); // hedge 1 at 10 ms takes the one token
    assertThat(others.calls()).hasSize(1);
    time.advanceAndAwaitParked(MS_10); // hedge 2 at 20 ms is denied
    time.awaitParkedUntil(Duration.ofSeconds(1)); // the next event is the timeout: no more hedges
    assertThat(skipped).containsExactly(new SkippedAttempt(2, Trigger.HEDGE, Reason.BUDGET, Duration.ofMillis(20)));
    assertThat(others.calls()).hasSize(1);
    assertThat(others.inFlight()).isOne();

    time.advance(Duration.ofMillis(480)); // the first attempt answers at 500 ms
    HedgeResult<String> result = Callers.valueOf(call);
    assertThat(result.value()).isEqualTo("first");
    assertThat(result.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.CANCELLED);
    assertThat(others.record(0).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);
    patiently().until(() -> hedge.statistics().successes() == 1);
    assertThat(hedge.statistics().deniedByBudget()).isOne();
    assertThat(hedge.statistics().hedgesStarted()).isOne();
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aPerCallTimeoutAndDeadlineEndTheCallAndCancelEveryStage(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(MS_100).timeout(Duration.ofSeconds(5))
        .timeSource(time).build();
    FakeDependency<String> first = hanging();
    FakeDependency<String> others = hanging();

    CompletableFuture<String> byTimeout = startOn(caller,
        () -> hedge.callStage(CallOptions.timeout(Duration.ofMillis(300)), split(first, others)));
    time.awaitParkedUntil(MS_100);
    time.advanceAndAwaitParked(MS_100);
    time.awaitParkedUntil(Duration.ofMillis(300)); // the call's own limit, not the policy's 5 s
    time.advance(Duration.ofMillis(200));
    assertThat(Callers.failureOf(byTimeout)).isInstanceOf(HedgeTimeoutException.class);
    assertThat(first.record(0).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);
    assertThat(others.record(0).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);

    Deadline deadline = Deadline.after(Duration.ofMillis(50), time);
    CompletableFuture<String> byDeadline =
        startOn(caller, () -> hedge.callStage(CallOptions.deadline(deadline), split(first, others)));
    time.awaitParkedUntil(Duration.ofMillis(350));
    time.advance(Duration.ofMillis(50)); // before the hedge delay: only attempt 0 ran
    assertThat(Callers.failureOf(byDeadline)).isInstanceOf(HedgeTimeoutException.class);
    assertThat(first.record(1).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);
    assertThat(others.calls()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aRejectedValueFailsOverAtOnceAndIsReportedRejected(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).timeSource(time)
        .rejectIf("stale"::equals).build();
    FakeDependency<String> first = firsts(List.of(Reply.value("stale").after(MS_10)));
    FakeDependency<String> others = FakeDependency.builder(String.class).timeSource(time)
        .script(Reply.value("fresh").after(MS_10)).build();

    CompletableFuture<HedgeResult<String>> call =
        startOn(caller, () -> hedge.callStageForResult(split(first, others)));
    time.advance(MS_10); // "stale" at 10 ms: the failover starts on this thread, as it completed the stage
    assertThat(others.record(0).start()).isEqualTo(MS_10);
    time.advance(MS_10);

    HedgeResult<String> result = Callers.valueOf(call);
    assertThat(result.value()).isEqualTo("fresh");
    assertThat(result.attempts().get(0).outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(result.attempts().get(0).failure()).isInstanceOf(RejectedResultException.class);
    patiently().until(() -> hedge.statistics().calls() == 1 && hedge.statistics().successes() == 1);
    assertThat(hedge.statistics().failovers()).isOne();
  }

  /** Records a call's events as short strings, in order. */
  private static final class EventLog implements HedgeListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onAttemptStarted(Attempt attempt) {
      events.add("started " + attempt.index());
    }

    @Override
    public void onHedgeStarted(Attempt attempt) {
      events.add("hedge " + attempt.index());
    }

    @Override
    public void onAttemptSucceeded(Attempt attempt, Duration duration) {
      events.add("succeeded " + attempt.index() + " in " + duration.toMillis() + " ms");
    }

    @Override
    public void onAttemptFailed(Attempt attempt, AttemptReport report) {
      events.add("failed " + attempt.index());
    }

    @Override
    public void onAttemptCancelled(Attempt attempt) {
      events.add("cancelled " + attempt.index());
    }

    @Override
    public void onCallFinished(CallSummary summary) {
      events.add("finished " + summary.succeeded() + " winner " + summary.winner() + " in "
          + summary.duration().toMillis() + " ms");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void theListenerSeesStartedHedgeCancelledSucceededFinishedInOrderAndTheStatisticsCountTheHedge(Caller caller)
      throws Throwable {
    EventLog log = new EventLog();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(MS_100).timeSource(time).listener(log)
        .build();
    FakeDependency<String> first = firsts(List.of(Reply.value("slow").after(Duration.ofMillis(300))));
    FakeDependency<String> others = FakeDependency.builder(String.class).timeSource(time)
        .script(Reply.value("fast").after(Duration.ofMillis(50))).build();

    CompletableFuture<String> call = startOn(caller, () -> hedge.callStage(split(first, others)));
    time.awaitParkedUntil(MS_100);
    time.advanceAndAwaitParked(MS_100);
    time.advance(Duration.ofMillis(50));

    assertThat(Callers.valueOf(call)).isEqualTo("fast");
    patiently().until(() -> log.events.size() == 6);
    // As for a blocking call: the loser is cancelled before the winner's event, and finished comes last.
    assertThat(log.events).containsExactly("started 0", "started 1", "hedge 1", "cancelled 0",
        "succeeded 1 in 50 ms", "finished true winner 1 in 150 ms");
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.calls()).isOne();
    assertThat(stats.successes()).isOne();
    assertThat(stats.attempts()).isEqualTo(2);
    assertThat(stats.hedgesStarted()).isOne();
    assertThat(stats.hedgesWon()).isOne();
    assertThat(stats.failovers()).isZero();
    assertThat(first.record(0).outcome()).isEqualTo(CallRecord.Outcome.CANCELLED);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void theTaskIsInvokedWithTheCallersMdcOnEveryThreadThatStartsAnAttempt(Caller caller) throws Throwable {
    MDCAdapter previous = ThreadLocalMdcAdapter.install();
    try {
      Map<Integer, String> seen = new ConcurrentHashMap<>();
      Map<Integer, Thread> startedOn = new ConcurrentHashMap<>();
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(MS_100).timeSource(time).build();
      FakeDependency<String> replies = FakeDependency.builder(String.class).timeSource(time).script(
          Reply.hang(), // attempt 0, started by the caller
          Reply.failure(new java.io.IOException("down"), MS_10), // attempt 1, the hedge, started by the watcher
          Reply.value("failover")) // attempt 2, started by the thread that completed attempt 1's stage
          .build();
      StageTask<String> task = attempt -> {
        seen.put(attempt.index(), String.valueOf(MDC.get("request")));
        startedOn.put(attempt.index(), Thread.currentThread());
        return replies.stage();
      };
      AtomicReference<Thread> callerThread = new AtomicReference<>();
      CompletableFuture<String> call = startOn(caller, () -> {
        callerThread.set(Thread.currentThread());
        MDC.put("request", "42");
        return hedge.callStage(task);
      });
      time.awaitParkedUntil(MS_100);
      time.advanceAndAwaitParked(MS_100); // the hedge
      time.advance(MS_10); // its failure, on this thread: the failover starts here

      assertThat(Callers.valueOf(call)).isEqualTo("failover");
      assertThat(seen).containsOnly(Map.entry(0, "42"), Map.entry(1, "42"), Map.entry(2, "42"));
      assertThat(startedOn.get(0)).isSameAs(callerThread.get());
      assertThat(startedOn.get(0).isVirtual()).isEqualTo(caller == Caller.VIRTUAL);
      assertThat(startedOn.get(1).isVirtual()).isTrue(); // the call's clock watcher
      assertThat(startedOn.get(2)).isSameAs(Thread.currentThread());
      assertThat(MDC.get("request")).isNull(); // the test thread's own MDC is restored
    } finally {
      ThreadLocalMdcAdapter.restore(previous);
    }
  }
}
