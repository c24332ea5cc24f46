package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A call's bookkeeping is done by the time its caller sees the outcome (a synchronous return, or the
 * completion of an asynchronous call's future): the statistics' counts, the budget's deposit, the
 * adaptive record and the end of warm-up. So a test, or a dashboard, that reads {@code statistics()} right
 * after a call gets exact figures, and the next call finds the tokens the last one earned. Each test makes
 * many calls back to back, since before this was so the caller usually ran ahead of the bookkeeping.
 */
class OutcomeVisibilityTest {

  private static final int CALLS = 2_000;

  /** Makes one call the way {@code caller} does and returns its value. */
  private static <T> T callOnce(Caller caller, Hedge<T> hedge, AttemptTask<T> task) throws Exception {
    return caller == Caller.ASYNC ? hedge.callAsync(task).join() : hedge.call(task);
  }

  /** Runs {@code body} on a thread of the caller's kind (a virtual thread for ASYNC). */
  private static void onCallerThread(Caller caller, Callers.Body<?> body) throws Throwable {
    (caller == Caller.ASYNC ? Caller.VIRTUAL : caller).run(body);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void everyCountOfACallIsInTheStatisticsWhenItsCallerSeesTheOutcome(Caller caller) throws Throwable {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    onCallerThread(caller, () -> {
      for (int i = 1; i <= CALLS; i++) {
        callOnce(caller, hedge, attempt -> "v");
        HedgeStatistics s = hedge.statistics();
        assertThat(s.calls()).as("calls after call %s", i).isEqualTo(i);
        assertThat(s.successes()).as("successes after call %s", i).isEqualTo(i);
        assertThat(s.successes() + s.failures()).isEqualTo(s.calls());
        assertThat(s.attempts()).as("attempts after call %s", i).isEqualTo(2L * i);
      }
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aSuccessFundsTheBudgetBeforeItsCallerSeesIt(Caller caller) throws Throwable {
    // One token, spent by every call's zero-delay hedge and earned back by its success: a call that
    // starts after the previous one returned always finds it.
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(1).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).budget(budget).build();
    onCallerThread(caller, () -> {
      for (int i = 1; i <= CALLS; i++) {
        callOnce(caller, hedge, attempt -> "v");
        assertThat(hedge.statistics().deniedByBudget()).as("denied after call %s", i).isZero();
      }
      return null;
    });
    assertThat(hedge.statistics().hedgesStarted()).isEqualTo(CALLS);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void warmUpEndsWithTheCallThatCompletesTheMinimumSamples(Caller caller) throws Throwable {
    int minSamples = 20;
    onCallerThread(caller, () -> {
      for (int policy = 0; policy < CALLS / minSamples; policy++) {
        Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
            .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(minSamples).minSamples(minSamples)).build();
        for (int i = 0; i < minSamples; i++) {
          assertThat(hedge.statistics().delayMode()).isEqualTo(DelayMode.WARMING_UP);
          callOnce(caller, hedge, attempt -> "v");
        }
        assertThat(hedge.statistics().latency().samples()).isEqualTo(minSamples);
        assertThat(hedge.statistics().delayMode()).isNotEqualTo(DelayMode.WARMING_UP);
      }
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFirstAttemptIsTimedWhenItEndsNotWhenItsOutcomeIsDelivered(Caller caller) throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1)).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1).window(CALLS).minSamples(CALLS)).build();
    onCallerThread(caller, () -> {
      for (int i = 0; i < CALLS; i++) {
        callOnce(caller, hedge, attempt -> "v"); // takes no time on the manual clock
        time.advance(Duration.ofSeconds(1)); // the caller moves on at once
      }
      return null;
    });
    HedgeStatistics.LatencyQuantiles latency = hedge.statistics().latency();
    assertThat(latency.samples()).isEqualTo(CALLS);
    assertThat(latency.p99().orElseThrow()).isLessThan(Duration.ofSeconds(1));
  }
}
