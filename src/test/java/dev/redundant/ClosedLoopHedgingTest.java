package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeListener.SkippedAttempt.Reason;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The closed loop through real calls, on a manual clock: the adaptive delay learnt from scripted
 * latencies, censoring, warm-up, recovery after an outage, the budget, deadline-aware skips and the
 * statistics. Latencies are scripted by the first attempt itself advancing the clock before it returns, so
 * every recorded duration is exact whatever the machine's load.
 */
class ClosedLoopHedgingTest {

  private final ManualTimeSource time = new ManualTimeSource();
  private final List<SkippedAttempt> skipped = new CopyOnWriteArrayList<>();
  private final HedgeListener skips = new HedgeListener() {
    @Override
    public void onAttemptSkipped(SkippedAttempt s) {
      skipped.add(s);
    }
  };

  /** A task whose first attempt takes {@code latency} on the manual clock and wins; the others hang. */
  private AttemptTask<String> firstTakes(Duration latency) {
    return attempt -> {
      if (attempt.index() == 0) {
        time.advance(latency);
        return "first";
      }
      new CountDownLatch(1).await();
      throw new AssertionError("unreachable");
    };
  }

  private Duration sinceOrigin() {
    return Duration.ofNanos(time.nanoTime());
  }

  /** Makes {@code calls} sequential calls whose first attempts take {@code millisOf(i)} and win. */
  private void scriptedCalls(Hedge<String> hedge, int calls, java.util.function.IntUnaryOperator millisOf)
      throws Exception {
    for (int i = 0; i < calls; i++) {
      assertThat(hedge.call(firstTakes(Duration.ofMillis(millisOf.applyAsInt(i))))).isEqualTo("first");
    }
  }

  private static Duration delayOf(Hedge<?> hedge) {
    return hedge.statistics().currentDelay().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void theDelayConvergesToTheQuantileOfTheLatenciesAndFollowsThemWhenTheyDouble(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(200).minSamples(100)).build();
    caller.run(() -> {
      scriptedCalls(hedge, 300, i -> i % 100 + 1); // uniform 1..100 ms: the p90 is 90 ms
      return null;
    });
    patiently().until(() -> hedge.statistics().calls() == 300 && hedge.statistics().successes() == 300);
    HedgeStatistics learnt = hedge.statistics();
    assertThat(learnt.delayMode()).isEqualTo(DelayMode.LEARNT);
    assertThat(learnt.currentDelay().orElseThrow()).isBetween(Duration.ofMillis(90), Duration.ofMillis(95));

    // The engine hedges after exactly that delay: the caller parks until it.
    Duration delay = delayOf(hedge);
    ScriptedTask<String> slow = new ScriptedTask<String>().on(0, hang()).on(1, value("hedge"));
    Duration start = sinceOrigin();
    Callers.Running<HedgeResult<String>> call = caller.start(() -> hedge.callForResult(slow));
    time.awaitParkedUntil(start.plus(delay));
    time.advance(delay);
    HedgeResult<String> result = call.join();
    assertThat(result.winner()).isEqualTo(1);
    assertThat(slow.sinceCallStartAtEntry.get(1)).isEqualTo(delay);

    caller.run(() -> {
      scriptedCalls(hedge, 300, i -> 2 * (i % 100 + 1)); // latency doubles: the window forgets the old one
      return null;
    });
    patiently().until(() -> hedge.statistics().successes() == 601);
    assertThat(delayOf(hedge)).isBetween(Duration.ofMillis(180), Duration.ofMillis(190));
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aFirstAttemptBeatenByItsHedgeIsCensoredAndAFailedOneIsNotRecorded(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(10)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(10).minSamples(10)).build();
    ScriptedTask<String> beaten = new ScriptedTask<String>().on(0, hang()).on(1, value("hedge"));
    Callers.Running<String> call = caller.start(() -> hedge.call(beaten));
    time.awaitParkedUntil(Duration.ofMillis(10)); // warm-up: the explicit delay
    time.advance(Duration.ofMillis(10));
    assertThat(call.join()).isEqualTo("hedge");
    patiently().until(() -> hedge.statistics().latency().samples() == 1);
    assertThat(hedge.statistics().latency().censored()).isEqualTo(1);

    ScriptedTask<String> failsFast = new ScriptedTask<String>().on(0, fail(new IOException("down")))
        .on(1, value("failover"));
    assertThat(caller.start(() -> hedge.call(failsFast)).join()).isEqualTo("failover");
    patiently().until(() -> hedge.statistics().successes() == 2);
    assertThat(hedge.statistics().latency().samples()).isEqualTo(1); // the fast failure says nothing

    caller.run(() -> {
      scriptedCalls(hedge, 1, i -> 5);
      return null;
    });
    patiently().until(() -> hedge.statistics().latency().samples() == 2);
    assertThat(hedge.statistics().latency().censored()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void withoutAnExplicitDelayNoHedgeStartsDuringWarmUp(Caller caller) throws Throwable {
    // The default delay (1 s) is not checked against the 500 ms timeout: the policy has no warm-up delay.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).timeout(Duration.ofMillis(500)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10)).build();
    assertThat(hedge.statistics().delayMode()).isEqualTo(DelayMode.WARMING_UP);
    assertThat(hedge.statistics().currentDelay()).isEmpty();
    ScriptedTask<String> hangs = new ScriptedTask<String>().otherwise(hang());
    Callers.Running<String> call = caller.start(() -> hedge.call(hangs));
    time.awaitParkedUntil(Duration.ofMillis(500)); // the next event is the timeout: no hedge is scheduled
    time.advance(Duration.ofMillis(500));
    assertThat(call.failure()).isInstanceOf(HedgeTimeoutException.class);
    assertThat(hedge.statistics().attempts()).isEqualTo(1);

    caller.run(() -> {
      scriptedCalls(hedge, 10, i -> 20);
      return null;
    });
    patiently().until(() -> hedge.statistics().delayMode() == DelayMode.LEARNT);
    Duration delay = delayOf(hedge);
    assertThat(delay).isBetween(Duration.ofMillis(20), Duration.ofMillis(21));
    Duration start = sinceOrigin();
    ScriptedTask<String> slow = new ScriptedTask<String>().on(0, hang()).on(1, value("hedge"));
    Callers.Running<String> hedged = caller.start(() -> hedge.call(slow));
    time.awaitParkedUntil(start.plus(delay));
    time.advance(delay);
    assertThat(hedged.join()).isEqualTo("hedge");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void afterAnOutageOfHangsHedgingResumesFromTheRecoveryWindow(Caller mode) throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeout(Duration.ofSeconds(1)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(100).recoveryWindow(20).minSamples(20))
        .build();
    ScriptedTask<String> down = new ScriptedTask<String>().otherwise(hang());
    for (int i = 0; i < 100; i++) { // the outage: every first attempt hangs until its call times out
      Duration start = sinceOrigin();
      CompletableFuture<String> call = mode.start(hedge, down);
      time.awaitParkedUntil(start.plus(Duration.ofSeconds(1)));
      time.advance(Duration.ofSeconds(1));
      assertThat(Callers.failureOf(call)).isInstanceOf(HedgeTimeoutException.class);
    }
    patiently().until(() -> hedge.statistics().failures() == 100);
    assertThat(hedge.statistics().delayMode()).isEqualTo(DelayMode.NO_HEDGE);
    assertThat(hedge.statistics().currentDelay()).isEmpty();
    assertThat(hedge.statistics().attempts()).isEqualTo(100); // no hedge added load to the dead dependency
    assertThat(hedge.statistics().hedgesStarted()).isZero();

    for (int i = 0; i < 40; i++) { // recovered: 10 ms answers
      assertThat(Callers.valueOf(mode.start(hedge, firstTakes(Duration.ofMillis(10))))).isEqualTo("first");
    }
    patiently().until(() -> hedge.statistics().successes() == 40);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.latency().censored()).isEqualTo(60); // the long window is still mostly the outage
    assertThat(stats.delayMode()).isEqualTo(DelayMode.RECOVERING);
    assertThat(stats.currentDelay().orElseThrow()).isBetween(Duration.ofMillis(10), Duration.ofMillis(11));
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void afterAnOutageOfHangsTheDelayLearntBeforeResumesOnceTheFirstAttemptsSucceedAgain(Caller caller)
      throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeout(Duration.ofSeconds(1)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(200).minSamples(100)).build();
    caller.run(() -> {
      scriptedCalls(hedge, 200, i -> i % 100 + 1); // uniform 1..100 ms: the p90 is 90 ms
      return null;
    });
    patiently().until(() -> hedge.statistics().successes() == 200);
    Duration before = delayOf(hedge); // refreshed at the 192nd call: about the p90
    assertThat(before).isBetween(Duration.ofMillis(85), Duration.ofMillis(95));

    ScriptedTask<String> down = new ScriptedTask<String>().otherwise(hang());
    for (int i = 0; i < 200; i++) { // the outage: every attempt hangs until its call times out
      // Until the hung first attempts push the quantile among the censored ones, each call hedges too.
      Duration delay = hedge.statistics().currentDelay().orElse(Duration.ZERO);
      Duration start = sinceOrigin();
      Callers.Running<String> call = caller.start(() -> hedge.call(down));
      if (delay.isPositive()) {
        time.awaitParkedUntil(start.plus(delay));
        time.advance(delay);
      }
      time.awaitParkedUntil(start.plus(Duration.ofSeconds(1)));
      time.advance(Duration.ofSeconds(1).minus(delay));
      assertThat(call.failure()).isInstanceOf(HedgeTimeoutException.class);
      int censored = i + 1;
      patiently().until(() -> hedge.statistics().latency().censored() == censored); // the next call's delay
    }
    assertThat(hedge.statistics().hedgesStarted()).isPositive();
    assertThat(hedge.statistics().delayMode()).isEqualTo(DelayMode.NO_HEDGE);

    caller.run(() -> {
      scriptedCalls(hedge, 48, i -> 10); // recovered: 32 successes and a refresh at most
      return null;
    });
    patiently().until(() -> hedge.statistics().successes() == 248);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.delayMode()).isEqualTo(DelayMode.RECOVERING);
    // The lowest delay learnt over the last refreshes before the outage, not one its first hangs raised.
    assertThat(stats.currentDelay().orElseThrow()).isBetween(Duration.ofMillis(80), before);
    assertThat(stats.latency().censored()).isGreaterThan(100); // both windows still remember the outage
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void withABudgetAnOutageOfHangsHoldsTheLearntDelaySoTheFirstCallAfterRecoveryHedges(Caller caller)
      throws Throwable {
    HedgeBudget budget = HedgeBudget.builder().burst(3).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeout(Duration.ofSeconds(1)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(100).recoveryWindow(20).minSamples(20))
        .budget(budget).build();
    caller.run(() -> {
      scriptedCalls(hedge, 32, i -> 10); // learnt: about 10 ms
      return null;
    });
    patiently().until(() -> hedge.statistics().successes() == 32);
    Duration before = delayOf(hedge);

    ScriptedTask<String> down = new ScriptedTask<String>().otherwise(hang());
    for (int i = 0; i < 100; i++) { // the outage: every attempt hangs until its call times out
      Duration delay = delayOf(hedge); // held all along: never empty
      Duration start = sinceOrigin();
      Callers.Running<String> call = caller.start(() -> hedge.call(down));
      time.awaitParkedUntil(start.plus(delay));
      time.advance(delay); // the hedge is due: started while the budget has a token, else denied
      time.awaitParkedUntil(start.plus(Duration.ofSeconds(1)));
      time.advance(Duration.ofSeconds(1).minus(delay));
      assertThat(call.failure()).isInstanceOf(HedgeTimeoutException.class);
      int censored = i + 1;
      patiently().until(() -> hedge.statistics().latency().censored() == censored);
    }
    HedgeStatistics outage = hedge.statistics();
    assertThat(outage.delayMode()).isEqualTo(DelayMode.HELD);
    assertThat(outage.currentDelay()).contains(before);
    assertThat(outage.hedgesStarted()).isEqualTo(3); // the burst, and nothing more: no success funds it
    assertThat(outage.deniedByBudget()).isEqualTo(97);

    caller.run(() -> {
      scriptedCalls(hedge, 10, i -> 10); // recovered: ten answers fund one hedge
      return null;
    });
    // The next slow first attempt is hedged at the delay learnt before the outage.
    AttemptTask<String> slowFirst = attempt -> {
      if (attempt.index() == 0) {
        new CountDownLatch(1).await();
      }
      return "hedge";
    };
    Duration start = sinceOrigin();
    Callers.Running<String> call = caller.start(() -> hedge.call(slowFirst));
    time.awaitParkedUntil(start.plus(before));
    time.advance(before);
    assertThat(call.join()).isEqualTo("hedge");
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void anExhaustedBudgetDeniesTheNextHedgeButNeverTouchesAttemptsInFlight(Caller caller) throws Throwable {
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(10))
        .timeout(Duration.ofSeconds(1)).timeSource(time).budget(budget).listener(skips).build();
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, after(release, value("first"))).otherwise(hang());
    Callers.Running<HedgeResult<String>> call = caller.start(() -> hedge.callForResult(task));
    time.awaitParkedUntil(Duration.ofMillis(10));
    time.advance(Duration.ofMillis(10));
    task.awaitStarted(2); // the one token paid for hedge 1
    // Hedge 2 is due at 20 ms and denied: the next event is then the timeout, not another hedge.
    time.advance(Duration.ofMillis(10));
    time.awaitParkedUntil(Duration.ofSeconds(1));
    assertThat(skipped).containsExactly(new SkippedAttempt(2, Trigger.HEDGE, Reason.BUDGET, Duration.ofMillis(20)));
    assertThat(task.running.get()).isEqualTo(2);
    assertThat(task.interrupted).isEmpty();

    release.countDown();
    HedgeResult<String> result = call.join();
    assertThat(result.value()).isEqualTo("first");
    assertThat(result.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.CANCELLED);
    patiently().until(() -> hedge.statistics().successes() == 1);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.deniedByBudget()).isEqualTo(1);
    assertThat(stats.hedgesStarted()).isEqualTo(1);
    assertThat(stats.attempts()).isEqualTo(task.started.get());
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aDeniedHedgeLeavesFailoversAvailable(Caller caller) throws Throwable {
    HedgeBudget budget = HedgeBudget.builder().minPerSecond(0).build();
    while (budget.tokens().tryHedge()) {
      // spend every hedge token; failover tokens stay
    }
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(10)).timeSource(time)
        .budget(budget).listener(skips).build();
    CountDownLatch failNow = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, after(failNow, fail(new IOException("503"))))
        .on(1, value("failover"));
    Callers.Running<String> call = caller.start(() -> hedge.call(task));
    time.awaitParkedUntil(Duration.ofMillis(10));
    time.advance(Duration.ofMillis(10));
    patiently().until(() -> skipped.size() == 1);
    failNow.countDown();
    assertThat(call.join()).isEqualTo("failover");
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(skipped).extracting(SkippedAttempt::trigger).containsExactly(Trigger.HEDGE);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aDeniedFailoverWithNothingInFlightEndsTheCallWithTheFailuresSoFar(Caller caller) throws Throwable {
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).noHedging().budget(budget).timeSource(time)
        .build();
    IOException e0 = new IOException("first");
    IOException e1 = new IOException("second");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(e0)).on(1, fail(e1)).otherwise(value("x"));
    Throwable failure = caller.start(() -> hedge.call(task)).failure();
    assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class)
        .hasMessageStartingWith("2 attempts failed and the hedge budget denied a failover");
    assertThat(((AllAttemptsFailedException) failure).failures()).containsExactly(e0, e1);
    assertThat(task.started.get()).isEqualTo(2);
    patiently().until(() -> hedge.statistics().failures() == 1);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.failovers()).isEqualTo(1);
    assertThat(stats.deniedByBudget()).isEqualTo(1);
    assertThat(stats.attempts()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aHedgeThatCannotFinishBeforeTheDeadlineIsSkippedUnlessDeadlineAwarenessIsOff(Caller caller)
      throws Throwable {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10);
    for (boolean aware : new boolean[] {true, false}) {
      skipped.clear();
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).timeSource(time).listener(skips)
          .adaptiveDelay(adaptive.deadlineAware(aware)).build();
      caller.run(() -> {
        scriptedCalls(hedge, 10, i -> 100); // a typical success takes 100 ms; the delay is its median too
        return null;
      });
      patiently().until(() -> hedge.statistics().delayMode() == DelayMode.LEARNT);
      Duration delay = delayOf(hedge);
      Duration start = sinceOrigin();
      ScriptedTask<String> slow = new ScriptedTask<String>().on(0, hang()).on(1, value("hedge"));
      CallOptions limit = CallOptions.timeout(Duration.ofMillis(150));
      Callers.Running<String> call = caller.start(() -> hedge.call(limit, slow));
      time.awaitParkedUntil(start.plus(delay));
      if (aware) {
        // At the delay, 50 ms are left, less than a typical 100 ms success: skipped; the timeout is next.
        time.advance(delay);
        time.awaitParkedUntil(start.plus(Duration.ofMillis(150)));
        assertThat(skipped).containsExactly(new SkippedAttempt(1, Trigger.HEDGE, Reason.DEADLINE, delay));
        assertThat(hedge.statistics().skippedForDeadline()).isEqualTo(1);
        time.advance(Duration.ofMillis(150).minus(delay));
        Throwable failure = call.failure();
        assertThat(failure).isInstanceOf(HedgeTimeoutException.class);
        assertThat(((HedgeTimeoutException) failure).timeout()).isEqualTo(Duration.ofMillis(150));
        assertThat(hedge.statistics().attempts()).isEqualTo(11); // 10 to learn, and this call's first
      } else {
        time.advance(delay);
        assertThat(call.join()).isEqualTo("hedge");
        assertThat(skipped).isEmpty();
        assertThat(hedge.statistics().skippedForDeadline()).isZero();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void aFailoverSkippedForTheDeadlineWithNothingInFlightEndsTheCall(Caller caller) throws Throwable {
    // The min clamp of 10 s keeps hedges out of the way: only the failover is judged against the deadline.
    Hedge<String> adaptive = Hedge.<String>builder().maxAttempts(3).timeout(Duration.ofMillis(150))
        .timeSource(time).listener(skips)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10).min(Duration.ofSeconds(10)))
        .build();
    caller.run(() -> {
      scriptedCalls(adaptive, 10, i -> 100);
      return null;
    });
    patiently().until(() -> adaptive.statistics().delayMode() == DelayMode.LEARNT);
    IOException late = new IOException("late");
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, entry -> {
      time.advance(Duration.ofMillis(60)); // fails when 90 ms are left: less than a typical 100 ms
      throw late;
    }).otherwise(value("never"));
    Throwable failure = caller.start(() -> adaptive.call(task)).failure();
    assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class)
        .hasMessageContaining("a failover was skipped");
    assertThat(((AllAttemptsFailedException) failure).failures()).containsExactly(late);
    assertThat(skipped).containsExactly(new SkippedAttempt(1, Trigger.FAILOVER, Reason.DEADLINE,
        Duration.ofMillis(60)));
    patiently().until(() -> adaptive.statistics().failures() == 1);
    assertThat(adaptive.statistics().skippedForDeadline()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void theStatisticsAddUpToTheAttemptsTheTaskSaw(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(10)).timeSource(time)
        .build();
    ScriptedTask<String> failover = new ScriptedTask<String>().on(0, fail(new IOException())).on(1, value("b"));
    ScriptedTask<String> allFail = new ScriptedTask<String>().otherwise(fail(new IOException()));
    ScriptedTask<String> hedged = new ScriptedTask<String>().on(0, hang()).on(1, value("h"));
    caller.run(() -> hedge.call(failover));
    assertThat(caller.start(() -> hedge.call(allFail)).failure()).isInstanceOf(AllAttemptsFailedException.class);
    Callers.Running<String> call = caller.start(() -> hedge.call(hedged));
    hedged.awaitStarted(1); // the task counts attempts that entered it: let the first one enter
    time.awaitParkedUntil(Duration.ofMillis(10));
    time.advance(Duration.ofMillis(10));
    call.join();
    patiently().until(() -> hedge.statistics().successes() + hedge.statistics().failures() == 3);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.calls()).isEqualTo(3);
    assertThat(stats.successes()).isEqualTo(2);
    assertThat(stats.failures()).isEqualTo(1);
    assertThat(stats.failovers()).isEqualTo(1 + 2);
    assertThat(stats.hedgesStarted()).isEqualTo(1);
    assertThat(stats.hedgesWon()).isEqualTo(1);
    assertThat(stats.attempts()).isEqualTo(failover.started.get() + allFail.started.get() + hedged.started.get())
        .isEqualTo(stats.calls() + stats.hedgesStarted() + stats.failovers());
    assertThat(stats.delayMode()).isEqualTo(DelayMode.FIXED);
    assertThat(stats.currentDelay()).contains(Duration.ofMillis(10));
  }

  @org.junit.jupiter.api.Test
  void anAdaptiveDelayContradictsNoHedgingAndAnExplicitWarmUpDelayIsStillChecked() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05);
    assertThatThrownBy(() -> Hedge.builder().noHedging().adaptiveDelay(adaptive).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("adaptiveDelay")
        .hasMessageContaining("noHedging()");
    assertThatThrownBy(() -> Hedge.builder().adaptiveDelay(adaptive).delay(Duration.ofSeconds(2))
        .timeout(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("delay (PT2S)");
    assertThat(Hedge.builder().adaptiveDelay(adaptive).timeout(Duration.ofMillis(1)).build().toString())
        .contains("adaptiveDelay=AdaptiveDelay[targetExtraLoad=0.05").doesNotContain("delay=PT1S");
  }
}
