package dev.redundant.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AdaptiveDelay;
import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeStatistics;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.internal.Nanos;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The closed loop on its own, through its door: a call is a few fields ({@link FakeCall}), time is a
 * {@link ManualTimeSource}, and there are no threads.
 */
class ClosedLoopTest {
  private static final long MS = 1_000_000;
  private final ManualTimeSource time = new ManualTimeSource();

  /** A call as the loop sees it. */
  private final class FakeCall implements LoopCall {
    final long start = time.nanoTime();
    long timeout = Nanos.NEVER;
    boolean hedgingStopped;
    boolean claimed;
    @Nullable Throwable clockFailure;
    final List<String> refusals = new ArrayList<>();

    @Override
    public long startNanos() {
      return start;
    }

    @Override
    public long timeoutNanos() {
      return timeout;
    }

    @Override
    public long now() {
      return time.nanoTime();
    }

    @Override
    public boolean hedgingStopped() {
      return hedgingStopped;
    }

    @Override
    public void refused(int index, Trigger trigger, SkippedAttempt.Reason reason, long now) {
      refusals.add(index + " " + trigger + " " + reason);
      if (trigger == Trigger.HEDGE) {
        hedgingStopped = true;
      }
    }

    @Override
    public void clockFailed(Throwable failure) {
      clockFailure = failure;
    }

    @Override
    public boolean claimFirstAttemptRecord() {
      boolean first = !claimed;
      claimed = true;
      return first;
    }

    @Override
    public boolean firstAttemptRecordClaimed() {
      return claimed;
    }

    @Override
    public void skipFirstAttemptRecord() {
      claimed = true;
    }
  }

  private static long[] delays(long... afterFirst) {
    long[] all = new long[afterFirst.length + 1];
    System.arraycopy(afterFirst, 0, all, 1, afterFirst.length);
    return all;
  }

  private TokenBudget budget(int burst) {
    return new TokenBudget(0.1, 1.0, burst, 0, time);
  }

  /** Runs {@code calls} calls whose first attempt succeeds after {@code millis}, through every hook. */
  private void succeed(ClosedLoop loop, int calls, long millis) {
    for (int i = 0; i < calls; i++) {
      FakeCall call = new FakeCall();
      loop.callStarted(call);
      loop.attemptEnded(call, 0, call.start, null, call.start + millis * MS);
      loop.callEnded(call, Trigger.FIRST);
    }
  }

  @Test
  void aFixedDelayIsThePolicysAndNothingIsTimedForIt() {
    ClosedLoop loop = ClosedLoop.of(delays(50 * MS, 0), null, null, true, time);
    FakeCall call = new FakeCall();
    loop.callStarted(call);

    assertThat(loop.learns()).isFalse();
    assertThat(loop.hedgeDelayNanos(call, 1)).isEqualTo(50 * MS);
    assertThat(loop.hedgeDelayNanos(call, 2)).isZero();
    assertThat(loop.needsEndTime(call, 0)).isFalse();
    loop.attemptEnded(call, 0, call.start, null, call.start + MS);
    assertThat(call.claimed).isFalse(); // nothing learns: the record is never claimed
    assertThat(loop.statistics().delayMode()).isEqualTo(DelayMode.FIXED);
    assertThat(loop.statistics().currentDelay()).contains(Duration.ofMillis(50));
  }

  @Test
  void aStoppedCallHedgesNoMoreButMayStillFailOver() {
    ClosedLoop loop = ClosedLoop.of(delays(MS, MS), null, null, true, time);
    FakeCall call = new FakeCall();
    call.hedgingStopped = true;

    assertThat(loop.hedgeDelayNanos(call, 1)).isEqualTo(Nanos.NEVER);
    assertThat(loop.mayLaunch(call, 1, Trigger.HEDGE, time.nanoTime())).isFalse();
    assertThat(loop.mayLaunch(call, 1, Trigger.FAILOVER, time.nanoTime())).isTrue();
    assertThat(call.refusals).isEmpty(); // stopped before: not a new refusal
  }

  @Test
  void theBudgetRefusesThroughTheDoorAndIsCounted() {
    ClosedLoop loop = ClosedLoop.of(delays(MS, MS, MS), null, budget(1), true, time);
    FakeCall call = new FakeCall();
    loop.callStarted(call); // one call in flight: a reserve of 1 + 0.1 hedge tokens

    assertThat(loop.mayLaunch(call, 1, Trigger.HEDGE, time.nanoTime())).isTrue();
    assertThat(loop.mayLaunch(call, 2, Trigger.HEDGE, time.nanoTime())).isFalse();
    assertThat(call.refusals).containsExactly("2 HEDGE BUDGET");
    assertThat(call.hedgingStopped).isTrue();
    assertThat(loop.statistics().deniedByBudget()).isEqualTo(1);
  }

  @Test
  void aBudgetWhoseClockThrowsEndsTheCallInsteadOfRefusing() {
    TokenBudget failing = new TokenBudget(0, 0, 0, 1, new dev.redundant.TimeSource() {
      private boolean built;

      @Override
      public long nanoTime() {
        if (built) {
          throw new IllegalStateException("clock broke");
        }
        built = true;
        return 0;
      }

      @Override
      public void parkUntil(long deadlineNanos) {}
    });
    ClosedLoop loop = ClosedLoop.of(delays(MS), null, failing, true, time);
    FakeCall call = new FakeCall();

    assertThat(loop.mayLaunch(call, 1, Trigger.FAILOVER, time.nanoTime())).isFalse();
    assertThat(call.clockFailure).hasMessage("clock broke");
    assertThat(call.refusals).isEmpty();
  }

  @Test
  void onlyAttemptZeroTeachesTheDelayOncePerCall() {
    ClosedLoop loop = ClosedLoop.of(delays(0), AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10), null,
        true, time);
    FakeCall call = new FakeCall();
    loop.callStarted(call);
    assertThat(loop.needsEndTime(call, 1)).isFalse();
    assertThat(loop.needsEndTime(call, 0)).isTrue();

    loop.attemptEnded(call, 1, call.start, null, call.start + 999 * MS); // a hedge: not learnt from
    assertThat(call.claimed).isFalse();
    loop.attemptEnded(call, 0, call.start, null, call.start + 10 * MS);
    loop.attemptEnded(call, 0, call.start, Outcome.CANCELLED, call.start + 20 * MS); // a second record: dropped
    assertThat(loop.needsEndTime(call, 0)).isFalse();
    assertThat(loop.statistics().latency().samples()).isEqualTo(1);
    assertThat(loop.statistics().latency().censored()).isZero();
  }

  @Test
  void aLearntDelayTakesOverFromTheWarmUpDelay() {
    ClosedLoop loop = ClosedLoop.of(delays(500 * MS), AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10),
        null, true, time);
    FakeCall early = new FakeCall();
    assertThat(loop.hedgeDelayNanos(early, 1)).isEqualTo(500 * MS); // warming up: the policy's delay

    succeed(loop, 10, 20);

    HedgeStatistics stats = loop.statistics();
    assertThat(stats.delayMode()).isEqualTo(DelayMode.LEARNT);
    assertThat(loop.hedgeDelayNanos(new FakeCall(), 1)).isGreaterThan(20 * MS).isLessThan(22 * MS);
  }

  @Test
  void aDeadlineAwareDelayRefusesWhatCannotFinishInTheTimeLeft() {
    ClosedLoop loop = ClosedLoop.of(delays(0), AdaptiveDelay.targetExtraLoad(0.5).window(10).minSamples(10), null,
        true, time);
    succeed(loop, 10, 20); // a typical success takes 20 ms
    FakeCall call = new FakeCall();
    call.timeout = 100 * MS;

    time.advance(Duration.ofMillis(70)); // 30 ms left: enough
    assertThat(loop.mayLaunch(call, 1, Trigger.FAILOVER, time.nanoTime())).isTrue();
    time.advance(Duration.ofMillis(15)); // 15 ms left: not enough
    assertThat(loop.mayLaunch(call, 1, Trigger.FAILOVER, time.nanoTime())).isFalse();
    assertThat(call.refusals).containsExactly("1 FAILOVER DEADLINE");
    assertThat(loop.statistics().skippedForDeadline()).isEqualTo(1);
  }

  @Test
  void aCallWonByAHedgeCountsHowLongItsFirstAttemptHadRun() {
    ClosedLoop loop = ClosedLoop.of(delays(MS), null, null, true, time);
    FakeCall call = new FakeCall();
    loop.callStarted(call);
    loop.countLaunch(Trigger.HEDGE);
    time.advance(Duration.ofMillis(30));
    loop.callEnded(call, Trigger.HEDGE);

    HedgeStatistics stats = loop.statistics();
    assertThat(stats.hedgesWon()).isEqualTo(1);
    assertThat(stats.attempts()).isEqualTo(2);
    assertThat(stats.meanFirstAttemptTimeAtHedgeWin()).contains(Duration.ofMillis(30));
  }

  @Test
  void theBudgetCountsEveryCallInFlightUntilItEnds() {
    TokenBudget tokens = budget(10);
    ClosedLoop loop = ClosedLoop.of(delays(MS), null, tokens, false, time);
    FakeCall a = new FakeCall();
    FakeCall b = new FakeCall();
    loop.callStarted(a);
    loop.callStarted(b);
    assertThat(tokens.callsInFlight()).isEqualTo(2);
    loop.callEnded(a, Trigger.FIRST);
    loop.callEnded(b, null);
    assertThat(tokens.callsInFlight()).isZero();
  }
}
