package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Settings that would be silently ignored are refused by build(), naming them; noHedging() says it. */
class BuilderMisconfigurationTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void aHedgeDelayAtOrBeyondTheCallTimeoutIsRefused() {
    assertThatThrownBy(() -> Hedge.builder().delay(SECOND).timeout(SECOND).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("delay (PT1S) must be shorter than timeout (PT1S), or no hedge can start; shorten it, "
            + "or call noHedging() for failover only");
    assertThatThrownBy(() -> Hedge.builder().timeout(Duration.ofMillis(500)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("delay (PT1S, the default) must be shorter than timeout (PT0.5S)");
    assertThat(Hedge.builder().delay(SECOND.minusNanos(1)).timeout(SECOND).build()).isNotNull();
  }

  @Test
  void aPerAttemptDelayAtOrBeyondTheCallTimeoutIsRefusedByIndex() {
    HedgeBuilder<Object> builder = Hedge.builder().maxAttempts(3).timeout(SECOND)
        .delay(i -> i == 2 ? SECOND.plusMillis(1) : Duration.ZERO);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("delay(2) (PT1.001S) must be shorter than timeout (PT1S)");
  }

  @Test
  void withoutHedgesOrWithOneAttemptTheDelayDoesNotMatter() {
    assertThat(Hedge.builder().noHedging().timeout(Duration.ofMillis(1)).build())
        .hasToString("Hedge[maxAttempts=3, noHedging, timeout=PT0.001S]");
    assertThat(Hedge.builder().maxAttempts(1).delay(Duration.ofDays(1)).timeout(Duration.ofMillis(1)).build())
        .hasToString("Hedge[maxAttempts=1, timeout=PT0.001S]");
  }

  /** A policy of one attempt never hedges, so an adaptive delay there is refused, as with noHedging(). */
  @Test
  void anAdaptiveDelayOnAPolicyOfOneAttemptIsRefused() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05);
    assertThatThrownBy(() -> Hedge.builder().maxAttempts(1).adaptiveDelay(adaptive).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("adaptiveDelay (" + adaptive + ") contradicts maxAttempts (1): a policy of one attempt never "
            + "hedges, so it has no delay to learn; allow more attempts or drop adaptiveDelay");
    assertThat(Hedge.builder().maxAttempts(2).adaptiveDelay(adaptive).build()).isNotNull();
    assertThat(Hedge.builder().maxAttempts(1).adaptiveDelay(adaptive).adaptiveDelay(null).build())
        .hasToString("Hedge[maxAttempts=1]");
  }

  /**
   * A budget whose minimum rate runs on another clock than the policy's would refill on the
   * wall clock in a test on a manual one (or the reverse): refused, naming both. Without a minimum rate
   * the budget reads no clock, and any is accepted.
   */
  @Test
  void aBudgetWithAMinimumRateOnAnotherClockIsRefused() {
    ManualTimeSource time = new ManualTimeSource();
    HedgeBudget onTheSystemClock = HedgeBudget.builder().build();
    assertThatThrownBy(() -> Hedge.builder().timeSource(time).budget(onTheSystemClock).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("budget's timeSource (TimeSource.system()) is not the policy's timeSource (" + time + "): "
            + "the budget's minimum rate (minPerSecond=1.0) would be counted on another clock; build the budget "
            + "with the policy's timeSource, or with minPerSecond(0)");
    HedgeBudget onTheManualClock = HedgeBudget.builder().timeSource(time).build();
    assertThatThrownBy(() -> Hedge.builder().budget(onTheManualClock).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("budget's timeSource (" + time + ") is not the policy's timeSource "
            + "(TimeSource.system())");

    assertThat(Hedge.builder().timeSource(time).budget(onTheManualClock).build()).isNotNull();
    assertThat(Hedge.builder().budget(onTheSystemClock).build()).isNotNull();
    assertThat(Hedge.builder().timeSource(time).budget(HedgeBudget.builder().minPerSecond(0).build()).build())
        .isNotNull();
  }

  @Test
  void anAttemptTimeoutAtOrBeyondTheCallTimeoutIsRefused() {
    assertThatThrownBy(
        () -> Hedge.builder().delay(Duration.ZERO).timeout(SECOND).attemptTimeout(SECOND).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("attemptTimeout (PT1S) must be shorter than timeout (PT1S), or it can never fire; "
            + "drop one of them");
    assertThat(Hedge.builder().delay(Duration.ZERO).timeout(SECOND).attemptTimeout(SECOND.minusNanos(1))
        .build()).isNotNull();
    assertThat(Hedge.builder().attemptTimeout(Duration.ofDays(1)).build()).isNotNull();
  }

  @Test
  void aDelayFunctionThatReturnsNullOrANegativeDelaySaysSo() {
    assertThatThrownBy(() -> Hedge.builder().delay(i -> null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay(1) is null: the delay function returned null for attempt 1");
    assertThatThrownBy(() -> Hedge.builder().delay(i -> Duration.ofMillis(-i)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay(1) must not be negative: the delay function returned PT-0.001S for attempt 1");
  }

  @Test
  void aZeroTimeoutSaysHowToAskForNone() {
    assertThatThrownBy(() -> Hedge.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S (for no timeout, the default, pass null)");
    assertThatThrownBy(() -> Hedge.builder().attemptTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "attemptTimeout must be positive, was PT0S (for no attemptTimeout, the default, pass null)");
    assertThat(Hedge.builder().timeout(SECOND).timeout(null).build())
        .hasToString("Hedge[maxAttempts=3, delay=PT1S]");
  }

  @Test
  void aNegativeDelaySaysHowToAskForFailoverOnly() {
    assertThatThrownBy(() -> Hedge.builder().delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay must not be negative, was PT-0.001S (for failover only, without hedges, call "
            + "noHedging())");
  }

  @Test
  void delayAndNoHedgingReplaceEachOther() {
    assertThat(Hedge.builder().delay(Duration.ZERO).noHedging().build())
        .hasToString("Hedge[maxAttempts=3, noHedging]");
    assertThat(Hedge.builder().noHedging().delay(Duration.ZERO).build())
        .hasToString("Hedge[maxAttempts=3, delay=PT0S]");
    assertThat(Hedge.builder().noHedging().delay(i -> Duration.ZERO).build())
        .hasToString("Hedge[maxAttempts=3, delay=per attempt]");
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void noHedgingStartsTheNextAttemptOnlyWhenOneFails(Caller caller) throws Throwable {
    ManualTimeSource clock = new ManualTimeSource();
    List<Attempt.Trigger> triggers = new CopyOnWriteArrayList<>();
    AtomicInteger started = new AtomicInteger();
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch failFirst = new CountDownLatch(1);
    Hedge<String> hedge = Hedge.builder().maxAttempts(3).noHedging().timeSource(clock).build();

    Running<String> call = caller.start(() -> hedge.call(attempt -> {
      started.incrementAndGet();
      triggers.add(attempt.trigger());
      if (attempt.index() == 0) {
        firstRunning.countDown();
        failFirst.await();
        throw new IOException("connection reset");
      }
      return "attempt " + attempt.index();
    }));
    firstRunning.await();
    clock.advance(Duration.ofDays(365)); // far beyond any delay: a hedging policy would start a hedge
    patiently().during(Duration.ofMillis(200)).until(() -> started.get() == 1);
    failFirst.countDown();

    assertThat(call.join()).isEqualTo("attempt 1");
    assertThat(triggers).containsExactly(Attempt.Trigger.FIRST, Attempt.Trigger.FAILOVER);
  }

  @Test
  void toStringShowsEverySetting() {
    ManualTimeSource clock = new ManualTimeSource();
    HedgeBuilder<String> builder = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .timeout(SECOND).fatalOn(IOException.class).fatalIf(e -> false).rejectIf(v -> false)
        .listener(HedgeListener.onHedge(a -> { })).timeSource(clock).copyMdc(false);
    String settings = "maxAttempts=2, delay=PT0S, timeout=PT1S, fatalOn=[IOException], fatalIf, rejectIf, "
        + "listener=HedgeListener.onHedge, timeSource=" + clock + ", copyMdc=false]";

    assertThat(builder).hasToString("HedgeBuilder[" + settings);
    assertThat(builder.build()).hasToString("Hedge[" + settings);
  }
}
