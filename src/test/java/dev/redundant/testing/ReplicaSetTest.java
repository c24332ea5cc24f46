package dev.redundant.testing;

import static dev.redundant.testing.SimulatedCall.awaitWaiters;
import static dev.redundant.testing.SimulatedCall.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Hedge;
import dev.redundant.testing.SimulatedCall.Threads;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReplicaSetTest {
  private final ManualTimeSource time = new ManualTimeSource();

  private static ReplicaProfile fixed(long millis) {
    return ReplicaProfile.of(LatencyDistribution.fixed(Duration.ofMillis(millis)));
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void eachReplicaAnswersAfterItsOwnLatencyOnTheManualClock(Threads threads) {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(10)).replica(fixed(50)).timeSource(time).build();

    SimulatedCall<ReplicaReply> fast = SimulatedCall.start(threads, time, () -> replicas.call(0));
    SimulatedCall<ReplicaReply> degraded = SimulatedCall.start(threads, time, () -> replicas.call(1));
    awaitWaiters(time, 2);
    time.advance(Duration.ofMillis(10));
    assertThat(fast.endedAtMillis()).isEqualTo(10);
    time.advance(Duration.ofMillis(40));

    assertThat(degraded.endedAtMillis()).isEqualTo(50);
    assertThat(fast.result().join().replica()).isZero();
    assertThat(degraded.result().join().replica()).isEqualTo(1);
    assertThat(replicas.calls()).isEqualTo(2);
    assertThat(replicas.calls(1)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aHedgeOnTheSameClockGoesToTheHealthyReplicaAndCancelsTheDegradedOne(Threads threads) {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(200)).replica(fixed(20)).timeSource(time).build();
    Hedge<ReplicaReply> hedge = Hedge.<ReplicaReply>builder()
        .maxAttempts(2)
        .delay(Duration.ofMillis(50))
        .timeSource(time)
        .build();

    SimulatedCall<ReplicaReply> call =
        SimulatedCall.start(threads, time, () -> hedge.call(attempt -> replicas.call(attempt.index())));
    awaitWaiters(time, 2); // the caller waiting for the hedge delay, the first attempt for its latency
    time.advance(Duration.ofMillis(50));
    patiently().until(() -> replicas.calls(1) == 1); // the hedge has read the clock: its latency runs from 50 ms
    time.advance(Duration.ofMillis(20));

    assertThat(call.endedAtMillis()).isEqualTo(70);
    assertThat(call.result().join()).isEqualTo(new ReplicaReply(1, 1));
    patiently().until(() -> replicas.interrupted() == 1); // the degraded replica's attempt was cancelled
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aDegradedReplicaIsSlowerUntilRestoredAndARoutedAttemptGoesWhereTheLibraryChose(Threads threads) {
    ReplicaProfile healthy = fixed(10);
    ReplicaSet set = ReplicaSet.builder().replicas(2, healthy).timeSource(time).build();
    dev.redundant.Replicas<Integer> replicas = dev.redundant.Replicas.builder(java.util.List.of(0, 1))
        .timeSource(time).build();
    Hedge<ReplicaReply> hedge = Hedge.<ReplicaReply>builder().maxAttempts(1).replicas(replicas).timeSource(time)
        .build();

    set.degrade(1, 5);
    SimulatedCall<ReplicaReply> degraded = SimulatedCall.start(threads, time, () -> set.call(1));
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(50));
    assertThat(degraded.endedAtMillis()).isEqualTo(50);
    set.restore(1);
    assertThat(set.profile(1)).isSameAs(healthy);

    SimulatedCall<ReplicaReply> routed = SimulatedCall.start(threads, time, () -> hedge.call(set::call));
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(10));
    assertThat(routed.endedAtMillis()).isEqualTo(60);
    int chosen = routed.result().join().replica();
    assertThat(replicas.statistics().get(chosen).attempts()).isEqualTo(1);
    assertThat(set.calls(chosen)).isEqualTo(chosen == 1 ? 2 : 1);
  }

  @Test
  void anAttemptThatWasNotRoutedIsRefusedByName() {
    ReplicaSet set = ReplicaSet.builder().replicas(2, fixed(10)).timeSource(time).build();
    Hedge<ReplicaReply> blind = Hedge.<ReplicaReply>builder().timeSource(time).build();
    assertThatThrownBy(() -> blind.call(set::call)).isInstanceOf(dev.redundant.AllAttemptsFailedException.class)
        .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempt").hasMessageContaining(
            "was not routed");
    assertThatThrownBy(() -> set.degrade(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("factor");
    assertThat(set.calls()).isZero();
  }

  @Test
  void aFailingReplicaThrowsAfterItsFailureLatency() {
    ReplicaSet replicas = ReplicaSet.builder()
        .replica(fixed(100).withFailureRate(1).withFailureLatency(Duration.ofMillis(5)))
        .timeSource(time)
        .build();

    SimulatedCall<ReplicaReply> call = SimulatedCall.start(Threads.VIRTUAL, time, () -> replicas.call(0));
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(5));

    assertThat(call.endedAtMillis()).isEqualTo(5);
    assertThatThrownBy(call.result()::join).hasCauseInstanceOf(ConnectException.class);
    assertThat(replicas.failures()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void anInterruptEndsTheWaitAtOnce(Threads threads) {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(Duration.ofDays(1).toMillis())).timeSource(time)
        .build();
    SimulatedCall<ReplicaReply> call = SimulatedCall.start(threads, time, () -> {
      try {
        return replicas.call(0);
      } finally {
        assertThat(Thread.currentThread().isInterrupted()).as("interrupt status after the call").isFalse();
      }
    });
    awaitWaiters(time, 1);

    call.thread().interrupt();

    assertThat(call.endedAtMillis()).isZero();
    assertThatThrownBy(call.result()::join).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(replicas.interrupted()).isEqualTo(1);
  }

  @Test
  void aNewProfileAppliesToCallsThatStartAfterIt() {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(10)).timeSource(time).build();
    SimulatedCall<ReplicaReply> before = SimulatedCall.start(Threads.VIRTUAL, time, () -> replicas.call(0));
    awaitWaiters(time, 1);

    replicas.profile(0, fixed(30));
    SimulatedCall<ReplicaReply> after = SimulatedCall.start(Threads.VIRTUAL, time, () -> replicas.call(0));
    awaitWaiters(time, 2);
    time.advance(Duration.ofMillis(10));
    assertThat(before.endedAtMillis()).isEqualTo(10);
    time.advance(Duration.ofMillis(20));

    assertThat(after.endedAtMillis()).isEqualTo(30);
  }

  @Test
  void theSameSeedMakesTheSameCallsFail() throws Exception {
    ReplicaProfile profile = ReplicaProfile.of(LatencyDistribution.fixed(Duration.ZERO)).withFailureRate(0.5);
    StringBuilder first = new StringBuilder();
    StringBuilder second = new StringBuilder();
    for (StringBuilder outcomes : new StringBuilder[] {first, second}) {
      ReplicaSet replicas = ReplicaSet.builder().replica(profile).seed(7).timeSource(time).build();
      for (int i = 0; i < 200; i++) {
        try {
          replicas.call(0); // zero latency: returns at once on the test's thread
          outcomes.append('s');
        } catch (ConnectException e) {
          outcomes.append('f');
        }
      }
    }

    assertThat(first.toString()).isEqualTo(second.toString()).contains("s").contains("f");
  }

  @Test
  void badArgumentsAreNamed() {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(1)).timeSource(time).build();
    assertThatThrownBy(() -> replicas.call(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replica must be between 0 and 0, was 1");
    assertThatThrownBy(() -> replicas.profile(-1, fixed(1))).hasMessageContaining("replica");
    assertThatThrownBy(() -> replicas.profile(0, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("profile");
    assertThatThrownBy(() -> ReplicaSet.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replica");
    assertThatThrownBy(() -> ReplicaSet.builder().replicas(0, fixed(1))).hasMessageContaining("count");
    assertThatThrownBy(() -> ReplicaSet.builder().timeSource(null)).hasMessageContaining("timeSource");
    assertThatThrownBy(() -> fixed(1).withFailureRate(1.5)).hasMessageContaining("rate");
    assertThatThrownBy(() -> fixed(1).withFailureLatency(Duration.ofMillis(-1))).hasMessageContaining("latency");
  }

  /** Refused when set, not by an ArithmeticException from call(). */
  @Test
  void aFailureLatencyTooLongForALongOfNanosecondsIsRefusedWhenSet() {
    Duration tooLong = Duration.ofDays(300 * 365L);
    assertThatThrownBy(() -> fixed(1).withFailureLatency(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("latency must fit in a long of nanoseconds, was PT2628000H");
    assertThatThrownBy(() -> new ReplicaProfile(LatencyDistribution.fixed(Duration.ofMillis(1)), 1, tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failureLatency must fit in a long of nanoseconds, was PT2628000H");
    assertThat(fixed(1).withFailureLatency(Duration.ofNanos(Long.MAX_VALUE)).failureLatency())
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }

  @Test
  void nothingWaitsAfterTheCallsEnd() {
    ReplicaSet replicas = ReplicaSet.builder().replica(fixed(10)).timeSource(time).build();
    SimulatedCall<ReplicaReply> call = SimulatedCall.start(Threads.PLATFORM, time, () -> replicas.call(0));
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(10));
    call.result().join();
    patiently().until(() -> !call.thread().isAlive());
    assertThat(time.waiters()).isZero();
  }
}
