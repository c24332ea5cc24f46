package dev.redundant.testing;

import static dev.redundant.testing.SimulatedCall.awaitWaiters;
import static dev.redundant.testing.SimulatedCall.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.testing.SimulatedCall.Threads;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QueueingBackendTest {
  private final ManualTimeSource time = new ManualTimeSource();

  /** One replica, a fixed 10 ms service time. */
  private QueueingBackend backend(int workers, double slowdown) {
    return QueueingBackend.builder()
        .workersPerReplica(workers)
        .slowdown(slowdown)
        .serviceTime(LatencyDistribution.fixed(Duration.ofMillis(10)))
        .timeSource(time)
        .build();
  }

  private SimulatedCall<ReplicaReply> call(Threads threads, QueueingBackend backend, int waitersAfter) {
    SimulatedCall<ReplicaReply> call = SimulatedCall.start(threads, time, () -> backend.call(0));
    awaitWaiters(time, waitersAfter); // ordered: each request arrives after the one before
    return call;
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aBusyWorkerQueuesRequestsInArrivalOrder(Threads threads) {
    QueueingBackend backend = backend(1, 0);
    SimulatedCall<ReplicaReply> first = call(threads, backend, 1);
    SimulatedCall<ReplicaReply> second = call(threads, backend, 2);
    SimulatedCall<ReplicaReply> third = call(threads, backend, 3);
    assertThat(backend.queued(0)).isEqualTo(2);

    time.advance(Duration.ofMillis(10));
    assertThat(first.endedAtMillis()).isEqualTo(10);
    time.advance(Duration.ofMillis(10));
    assertThat(second.endedAtMillis()).isEqualTo(20);
    time.advance(Duration.ofMillis(10));
    assertThat(third.endedAtMillis()).isEqualTo(30);

    assertThat(backend.served()).isEqualTo(3);
    assertThat(backend.busyTime()).isEqualTo(Duration.ofMillis(30));
  }

  @Test
  void serviceTimeGrowsWithBusyWorkers() {
    QueueingBackend backend = backend(2, 1);
    SimulatedCall<ReplicaReply> alone = call(Threads.VIRTUAL, backend, 1); // 10 ms x (1 + 1/2) = 15 ms
    SimulatedCall<ReplicaReply> crowded = call(Threads.VIRTUAL, backend, 2); // 10 ms x (1 + 2/2) = 20 ms

    time.advance(Duration.ofMillis(15));
    assertThat(alone.endedAtMillis()).isEqualTo(15);
    time.advance(Duration.ofMillis(5));

    assertThat(crowded.endedAtMillis()).isEqualTo(20);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aCancelledQueuedRequestLeavesTheQueueAtOnce(Threads threads) {
    QueueingBackend backend = backend(1, 0);
    SimulatedCall<ReplicaReply> inService = call(threads, backend, 1);
    SimulatedCall<ReplicaReply> cancelled = call(threads, backend, 2);
    SimulatedCall<ReplicaReply> behind = call(threads, backend, 3);

    cancelled.thread().interrupt();
    assertThat(cancelled.endedAtMillis()).isZero();
    assertThatThrownBy(cancelled.result()::join).hasCauseInstanceOf(InterruptedException.class);
    assertThat(backend.leftQueue()).isEqualTo(1);
    assertThat(backend.queued(0)).isEqualTo(1);

    time.advance(Duration.ofMillis(10));
    assertThat(inService.endedAtMillis()).isEqualTo(10);
    time.advance(Duration.ofMillis(10));
    assertThat(behind.endedAtMillis()).isEqualTo(20); // served right after the first: the queue skipped it
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aCancelledRequestInServiceRunsToItsEndAndKeepsItsWorker(Threads threads) {
    QueueingBackend backend = backend(1, 0);
    SimulatedCall<ReplicaReply> cancelled = call(threads, backend, 1);
    SimulatedCall<ReplicaReply> queued = call(threads, backend, 2);

    cancelled.thread().interrupt();
    time.advance(Duration.ofMillis(10));

    // Ended at the planned end, not at the interrupt; the queued request got the worker only then.
    assertThat(cancelled.endedAtMillis()).isEqualTo(10);
    assertThatThrownBy(cancelled.result()::join).hasCauseInstanceOf(InterruptedException.class);
    assertThat(backend.cancelledInService()).isEqualTo(1);
    awaitWaiters(time, 1);
    time.advance(Duration.ofMillis(10));
    assertThat(queued.endedAtMillis()).isEqualTo(20);
  }

  @Test
  void aFreedWorkerServesTheNextRequestFromItsPlannedEnd() {
    QueueingBackend backend = backend(1, 0);
    SimulatedCall<ReplicaReply> first = call(Threads.VIRTUAL, backend, 1);
    SimulatedCall<ReplicaReply> second = call(Threads.VIRTUAL, backend, 2);

    time.advance(Duration.ofMillis(25)); // the first ends at 10 ms, whenever its thread wakes up

    assertThat(first.endedAtMillis()).isEqualTo(25);
    patiently().until(second.result()::isDone);
    assertThat(second.endedAtMillis()).isEqualTo(25); // planned end 20 ms, already past
  }

  @Test
  void requestsGoToTheReplicaTheyName() throws Exception {
    QueueingBackend backend = QueueingBackend.builder().replicas(3).workersPerReplica(1)
        .serviceTime(LatencyDistribution.fixed(Duration.ZERO)).timeSource(time).build();

    assertThat(backend.call(2).replica()).isEqualTo(2);
    assertThat(backend.call(0).replica()).isZero();
    assertThat(backend.calls()).isEqualTo(2);
  }

  @Test
  void badArgumentsAreNamed() {
    QueueingBackend backend = backend(1, 0);
    assertThatThrownBy(() -> backend.call(1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replica must be between 0 and 0, was 1");
    assertThatThrownBy(() -> backend.queued(-1)).hasMessageContaining("replica");
    assertThatThrownBy(() -> QueueingBackend.builder().replicas(0)).hasMessageContaining("replicas");
    assertThatThrownBy(() -> QueueingBackend.builder().workersPerReplica(0))
        .hasMessageContaining("workersPerReplica");
    assertThatThrownBy(() -> QueueingBackend.builder().slowdown(-0.5)).hasMessageContaining("slowdown");
    assertThatThrownBy(() -> QueueingBackend.builder().serviceTime(null)).hasMessageContaining("serviceTime");
    assertThatThrownBy(() -> QueueingBackend.builder().timeSource(null)).hasMessageContaining("timeSource");
  }
}
