package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The learnt delay at the edges of what a clock measures, through real calls on a manual clock: first
 * attempts that take no time on it, and first attempts of an hour.
 */
class LearntDelayEdgesTest {
  private final ManualTimeSource time = new ManualTimeSource();

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void firstAttemptsThatTakeNoTimeOnTheClockStartNoHedge(Caller caller) throws Throwable {
    // The clock never moves: every first attempt measures 0 ns. A learnt delay of 0 started all three
    // attempts of every call at once once warm-up ended: 2.0 extra attempts per call at L = 0.05.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05)).build();
    caller.run(() -> {
      for (int i = 0; i < 300; i++) {
        assertThat(hedge.call(attempt -> "at once " + attempt.index())).isEqualTo("at once 0");
      }
      return null;
    });
    patiently().until(() -> hedge.statistics().successes() == 300);
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.delayMode()).isEqualTo(DelayMode.LEARNT);
    assertThat(stats.currentDelay()).contains(Duration.ofNanos(1)); // as soon as the clock moves at all
    assertThat(stats.hedgesStarted()).isZero();
    assertThat(stats.attempts()).isEqualTo(300);
  }

  @ParameterizedTest
  @EnumSource(value = Caller.class, names = {"PLATFORM", "VIRTUAL"})
  void firstAttemptsOfAnHourAreLearntAsAnHour(Caller caller) throws Throwable {
    // The histogram stopped at 2^40 ns: the delay became 18.3 minutes, so every call of an hour hedged
    // (twice, with 3 attempts), and latency().p50() reported 18.3 minutes.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).timeSource(time)
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05)).build();
    for (int i = 0; i < 100; i++) { // warm-up: no hedge before the delay is learnt
      caller.run(() -> hedge.call(attempt -> {
        time.advance(Duration.ofHours(1));
        return "an hour";
      }));
      // The first attempt's end is read after the call returns: the next call must not move the clock first.
      int recorded = i + 1;
      patiently().until(() -> hedge.statistics().latency().samples() == recorded);
    }
    patiently().until(() -> hedge.statistics().delayMode() == DelayMode.LEARNT); // the 100th record refreshes
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.delayMode()).isEqualTo(DelayMode.LEARNT);
    assertThat(stats.currentDelay().orElseThrow()).isGreaterThan(Duration.ofHours(1))
        .isLessThan(Duration.ofMinutes(62));
    assertThat(stats.latency().p50().orElseThrow()).isBetween(Duration.ofHours(1), Duration.ofMinutes(62));
    assertThat(stats.hedgesStarted()).isZero();
  }
}
