package dev.redundant.testing;

import static dev.redundant.testing.SimulatedCall.awaitWaiters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.testing.OutageSwitch.State;
import dev.redundant.testing.SimulatedCall.Threads;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutageSwitchTest {
  private final ManualTimeSource time = new ManualTimeSource();
  private final OutageSwitch outage = OutageSwitch.builder().timeSource(time).build();

  @Test
  void upLetsCallsThroughWithoutWaiting() throws Exception {
    outage.pass(); // the clock never moves: a wait would never end

    assertThat(outage.state()).isEqualTo(State.UP);
    assertThat(outage.failed()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void failingMakesEveryCallFailAfterTheFailureLatencyUntilRestored(Threads threads) throws Exception {
    outage.failCalls();
    SimulatedCall<Void> call = SimulatedCall.start(threads, time, () -> {
      outage.pass();
      return null;
    });
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(1));

    assertThat(call.endedAtMillis()).isEqualTo(1);
    assertThatThrownBy(call.result()::join).hasCauseInstanceOf(ConnectException.class);
    assertThat(outage.failed()).isEqualTo(1);

    outage.restore();
    outage.pass();
    assertThat(outage.failed()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void hangingCallsWaitUntilInterruptedEvenAfterTheRestore(Threads threads) throws Exception {
    outage.hangCalls();
    SimulatedCall<Void> call = SimulatedCall.start(threads, time, () -> {
      outage.pass();
      return null;
    });
    awaitWaiters(time, 1);
    time.advance(Duration.ofDays(3));
    outage.restore();
    outage.pass(); // a new call passes at once
    time.advance(Duration.ofMillis(1));
    awaitWaiters(time, 1);

    call.thread().interrupt();

    assertThat(call.endedAtNanos().join()).isEqualTo(Duration.ofDays(3).plusMillis(1).toNanos());
    assertThatThrownBy(call.result()::join).hasCauseInstanceOf(InterruptedException.class);
    assertThat(outage.hung()).isEqualTo(1);
  }

  /** Refused when set, not by an ArithmeticException from build() or pass(). */
  @Test
  void aFailureLatencyTooLongForALongOfNanosecondsIsRefusedWhenSet() {
    assertThatThrownBy(() -> OutageSwitch.builder().failureLatency(Duration.ofDays(300 * 365L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failureLatency must fit in a long of nanoseconds, was PT2628000H");
    OutageSwitch longest = OutageSwitch.builder().failureLatency(Duration.ofNanos(Long.MAX_VALUE)).build();
    assertThat(longest.state()).isEqualTo(State.UP);
  }

  @Test
  void aNegativeFailureLatencyIsRejected() {
    assertThatThrownBy(() -> OutageSwitch.builder().failureLatency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failureLatency");
    assertThatThrownBy(() -> OutageSwitch.builder().timeSource(null)).hasMessageContaining("timeSource");
  }
}
