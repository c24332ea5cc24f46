package dev.redundant;

import static dev.redundant.Patiently.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.Callers.Caller;
import dev.redundant.Replicas.ReplicaStatistics;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing attempts over {@link Replicas}, through the public API: never a replica the call tried (unless
 * all were), fewer first attempts for a slow or failing replica, a recovered one probed and back, and the
 * replica of each attempt named in what the caller and the task see.
 */
class ReplicaRoutingTest {
  private static final int CALLS = 200;

  /** The replicas of a call's attempts, by attempt index. */
  private static List<Integer> replicasOf(HedgeResult<?> result) {
    return result.attempts().stream().map(AttemptReport::replica).toList();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void hedgesThatStartTogetherGoToDistinctReplicas(Caller caller) throws Exception {
    Replicas<String> replicas = Replicas.of("a", "b", "c");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).replicas(replicas).build();
    for (int i = 0; i < CALLS; i++) {
      List<String> used = new CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch allRunning = new java.util.concurrent.CountDownLatch(3);
      CompletableFuture<String> call = caller.start(hedge, attempt -> {
        used.add(replicas.get(attempt));
        allRunning.countDown();
        allRunning.await(); // so that every attempt has run before one wins
        return replicas.get(attempt);
      });
      assertThat(call.get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isIn("a", "b", "c");
      assertThat(used).hasSize(3).doesNotHaveDuplicates();
    }
    // Every attempt is counted once, however it ended: a win, or (a loser cancelled, or one whose value came
    // too late) neither a win nor a failure; none is left in flight.
    await().atMost(PATIENCE).until(() -> replicas.statistics().stream().allMatch(r -> r.inFlight() == 0));
    List<ReplicaStatistics> stats = replicas.statistics();
    assertThat(stats.stream().mapToLong(ReplicaStatistics::attempts).sum()).isEqualTo(3L * CALLS);
    assertThat(stats.stream().mapToLong(ReplicaStatistics::wins).sum()).isEqualTo(CALLS);
    assertThat(stats.stream().mapToLong(ReplicaStatistics::failures).sum()).isZero();
  }

  @Test
  void aFailoverNeverGoesBackToTheReplicaThatFailed() throws Exception {
    Replicas<String> replicas = Replicas.of("a", "b", "c", "d");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).noHedging().replicas(replicas).build();
    for (int i = 0; i < CALLS; i++) {
      HedgeResult<String> result = hedge.callForResult(attempt -> {
        if (attempt.index() == 0) {
          throw new IOException("down");
        }
        return replicas.get(attempt);
      });
      List<Integer> used = replicasOf(result);
      assertThat(used).hasSize(2).doesNotHaveDuplicates().allSatisfy(r -> assertThat(r).isBetween(0, 3));
      assertThat(result.value()).isEqualTo(replicas.get(used.get(1)));
      assertThat(result.attempts().get(0).outcome()).isEqualTo(AttemptReport.Outcome.FAILED);
    }
  }

  @Test
  void onceEveryReplicaWasTriedTheyAreTriedAgain() throws Exception {
    Replicas<String> replicas = Replicas.of("a", "b");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(4).noHedging().replicas(replicas).build();
    AllAttemptsFailedException failed = org.junit.jupiter.api.Assertions.assertThrows(
        AllAttemptsFailedException.class, () -> hedge.call(attempt -> {
          throw new IOException("down on " + replicas.get(attempt));
        }));
    List<Integer> used = failed.attempts().stream().map(AttemptReport::replica).toList();
    assertThat(used).hasSize(4);
    assertThat(new HashSet<>(used.subList(0, 2))).containsExactlyInAnyOrder(0, 1);
    assertThat(used.subList(2, 4)).allSatisfy(r -> assertThat(r).isIn(0, 1));
  }

  /**
   * Runs {@code calls} calls one after another on the manual clock, each attempt taking the latency its
   * replica has then ({@code latencyMs}; a negative latency: it fails after that long), and returns the
   * replica of each call's first attempt.
   */
  private static List<Integer> sequentialCalls(Hedge<String> hedge, Replicas<String> replicas,
      ManualTimeSource time, int calls, Map<String, Integer> latencyMs) {
    List<Integer> firsts = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      try {
        HedgeResult<String> result = hedge.callForResult(attempt -> {
          int ms = latencyMs.get(replicas.get(attempt));
          time.advance(Duration.ofMillis(Math.abs(ms))); // the attempt takes that long on the policy's clock
          if (ms < 0) {
            throw new IOException("failing");
          }
          return replicas.get(attempt);
        });
        firsts.add(result.attempts().get(0).replica());
      } catch (AllAttemptsFailedException e) {
        firsts.add(e.attempts().get(0).replica());
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    return firsts;
  }

  private static long count(List<Integer> firsts, int replica) {
    return firsts.stream().filter(r -> r == replica).count();
  }

  @Test
  void alikeReplicasShareTheFirstAttemptsEvenly() {
    ManualTimeSource time = new ManualTimeSource();
    Replicas<String> replicas = Replicas.builder(List.of("a", "b", "c")).timeSource(time).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).replicas(replicas).timeSource(time).build();
    int calls = 3_000;

    List<Integer> firsts = sequentialCalls(hedge, replicas, time, calls, Map.of("a", 10, "b", 10, "c", 10));

    // Each share is 1/3 +- 0.009 (one standard deviation): a choice that favoured a position of the
    // random pair, or a replica, would leave these bounds.
    for (int replica = 0; replica < 3; replica++) {
      assertThat(count(firsts, replica)).as("first attempts of replica %s, of %s", replica, calls)
          .isBetween(calls / 4L, calls * 5L / 12);
    }
  }

  @Test
  void aSlowReplicaReceivesFewFirstAttemptsOnceItIsLearnt() {
    ManualTimeSource time = new ManualTimeSource();
    Replicas<String> replicas = Replicas.builder(List.of("a", "slow", "c", "d")).timeSource(time).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).replicas(replicas).timeSource(time).build();
    Map<String, Integer> latency = Map.of("a", 10, "slow", 50, "c", 10, "d", 10);

    sequentialCalls(hedge, replicas, time, CALLS, latency); // learning
    List<Integer> firsts = sequentialCalls(hedge, replicas, time, CALLS, latency);

    long slow = count(firsts, 1);
    assertThat(slow).as("first attempts to the slow replica, of %s", CALLS).isLessThan(CALLS / 10);
    for (int healthy : new int[] {0, 2, 3}) {
      assertThat(count(firsts, healthy)).as("replica %s", healthy).isGreaterThan(4 * slow);
    }
    ReplicaStatistics stats = replicas.statistics().get(1);
    assertThat(stats.replica()).isEqualTo("slow");
    assertThat(stats.latency()).isGreaterThan(Duration.ofMillis(10));
  }

  @Test
  void aFailingReplicaReceivesLessThanItsShare() {
    ManualTimeSource time = new ManualTimeSource();
    Replicas<String> replicas = Replicas.builder(List.of("a", "b", "failing", "d")).timeSource(time).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).noHedging().replicas(replicas).timeSource(time)
        .build();
    Map<String, Integer> latency = Map.of("a", 10, "b", 10, "failing", -2, "d", 10);

    sequentialCalls(hedge, replicas, time, CALLS, latency);
    List<Integer> firsts = sequentialCalls(hedge, replicas, time, CALLS, latency);

    assertThat(count(firsts, 2)).as("first attempts to the failing replica").isLessThan(CALLS / 8)
        .as("probes of it, as what was observed fades").isPositive();
    ReplicaStatistics failing = replicas.statistics().get(2);
    assertThat(failing.failures()).isEqualTo(failing.attempts()).isPositive();
    assertThat(failing.wins()).isZero();
  }

  @Test
  void aRecoveredReplicaWinsItsShareBack() {
    ManualTimeSource time = new ManualTimeSource();
    Replicas<String> replicas = Replicas.builder(List.of("a", "b", "c", "d")).decay(Duration.ofMillis(500))
        .timeSource(time).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).replicas(replicas).timeSource(time).build();

    List<Integer> whileSlow = sequentialCalls(hedge, replicas, time, CALLS,
        Map.of("a", 10, "b", 100, "c", 10, "d", 10));
    assertThat(count(whileSlow.subList(CALLS / 2, CALLS), 1)).isLessThan(CALLS / 20);
    List<Integer> afterRecovery = sequentialCalls(hedge, replicas, time, 2 * CALLS,
        Map.of("a", 10, "b", 10, "c", 10, "d", 10));

    assertThat(count(afterRecovery.subList(CALLS, 2 * CALLS), 1)).as("first attempts to the recovered replica")
        .isGreaterThan(CALLS / 8);
  }

  /** One call of a single attempt on the manual clock: it takes {@code ms}, then returns, or fails. */
  private static void callTaking(Hedge<String> hedge, ManualTimeSource time, double ms, boolean fails) {
    try {
      hedge.call(attempt -> {
        time.advance(Duration.ofNanos((long) (ms * 1e6)));
        if (fails) {
          throw new IOException("failing");
        }
        return "ok";
      });
    } catch (AllAttemptsFailedException expected) {
      assertThat(fails).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anAttemptStartingWithinAThousandthOfDecayOfAnObservedOneIsCountedButNotObserved() {
    ManualTimeSource time = new ManualTimeSource();
    Replicas<String> replicas = Replicas.builder(List.of("a")).decay(Duration.ofSeconds(1)).timeSource(time)
        .build(); // observed attempts start at least 1 ms apart
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).replicas(replicas).timeSource(time).build();

    callTaking(hedge, time, 0.5, false); // starts at 0: observed, the first answer sets the estimate
    callTaking(hedge, time, 100, false); // starts at 0.5 ms: counted, not observed
    ReplicaStatistics stats = replicas.statistics().get(0);
    assertThat(stats.attempts()).isEqualTo(2);
    assertThat(stats.wins()).isEqualTo(2);
    assertThat(stats.latency()).as("the estimate, still the first answer's (aged)")
        .isLessThanOrEqualTo(Duration.ofNanos(500_000));

    callTaking(hedge, time, 50, false); // starts at 100.5 ms: observed
    assertThat(replicas.statistics().get(0).latency()).as("moved towards 50 ms").isGreaterThan(Duration.ofMillis(5));

    callTaking(hedge, time, 0.2, true); // starts at 150.5 ms: observed
    double afterObservedFailure = replicas.statistics().get(0).failureRate();
    assertThat(afterObservedFailure).isPositive();
    callTaking(hedge, time, 0, true); // starts at 150.7 ms: counted, not observed
    ReplicaStatistics after = replicas.statistics().get(0);
    assertThat(after.failures()).isEqualTo(2);
    assertThat(after.attempts()).isEqualTo(5);
    assertThat(after.failureRate()).isEqualTo(afterObservedFailure);
  }

  @Test
  void theTaskTheListenerAndTheStatisticsNameEachAttemptsReplica() throws Exception {
    Replicas<String> replicas = Replicas.of("only");
    Set<Integer> seenByListener = ConcurrentHashMap.newKeySet();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).noHedging().replicas(replicas)
        .listener(new HedgeListener() {
          @Override
          public void onAttemptStarted(Attempt attempt) {
            seenByListener.add(attempt.replicaIndex());
          }
        }).build();

    HedgeResult<String> result = hedge.callForResult(attempt -> {
      assertThat(attempt.replicaIndex()).isZero();
      if (attempt.index() == 0) {
        throw new IOException("down");
      }
      return replicas.get(attempt);
    });

    assertThat(result.value()).isEqualTo("only");
    assertThat(replicasOf(result)).containsExactly(0, 0); // one replica: the failover tries it again
    assertThat(seenByListener).containsExactly(0);
    ReplicaStatistics stats = replicas.statistics().get(0);
    assertThat(stats.attempts()).isEqualTo(2);
    assertThat(stats.wins()).isEqualTo(1);
    assertThat(stats.failures()).isEqualTo(1);
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void aRejectedValueCountsAsAFailureOfItsReplicaAndTheFailoverGoesElsewhere() throws Exception {
    Replicas<String> replicas = Replicas.of("stale", "fresh");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).noHedging().replicas(replicas)
        .rejectIf("stale"::equals).build();
    for (int i = 0; i < 20; i++) {
      HedgeResult<String> result = hedge.callForResult(replicas::get); // each replica answers its own name
      assertThat(result.value()).isEqualTo("fresh");
      assertThat(replicasOf(result)).doesNotHaveDuplicates();
    }
    ReplicaStatistics stale = replicas.statistics().get(0);
    assertThat(stale.failures()).isEqualTo(stale.attempts()).isPositive();
    assertThat(stale.wins()).isZero();
    assertThat(replicas.statistics().get(1).wins()).isEqualTo(20);
  }

  @Test
  void stagedAttemptsAreRoutedToo() throws Exception {
    Replicas<String> replicas = Replicas.of("a", "b");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).replicas(replicas).build();
    List<String> used = new CopyOnWriteArrayList<>();
    CompletableFuture<String> call = hedge.callStage(attempt -> {
      used.add(replicas.get(attempt));
      return attempt.index() == 0 ? new CompletableFuture<>() : CompletableFuture.completedFuture("won");
    });
    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("won");
    assertThat(used).containsExactlyInAnyOrder("a", "b");
    assertThat(replicas.statistics()).extracting(ReplicaStatistics::inFlight).containsOnly(0);
  }

  @Test
  void anAttemptOfAPolicyThatDoesNotRouteHasNoReplica() throws Exception {
    Replicas<String> replicas = Replicas.of("a");
    Hedge<String> plain = Hedge.<String>builder().build();
    assertThat(plain.callForResult(attempt -> {
      assertThat(attempt.replicaIndex()).isEqualTo(-1);
      assertThatThrownBy(() -> replicas.get(attempt)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("attempt").hasMessageContaining("not routed");
      return "v";
    }).attempts()).extracting(AttemptReport::replica).containsExactly(-1);
  }

  @Test
  void eachBoundIsAcceptedAndTheFirstValueBeyondItRefused() {
    List<Integer> sixtyFour = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      sixtyFour.add(i);
    }
    Replicas<Integer> most = Replicas.of(sixtyFour);
    assertThat(most.size()).isEqualTo(64);
    assertThat(most.members()).isEqualTo(sixtyFour);
    assertThat(Replicas.builder(List.of("a")).decay(Duration.ofMillis(1)).build().decay()).hasMillis(1);
    assertThat(Replicas.builder(List.of("a")).decay(Duration.ofHours(1)).build().decay()).hasHours(1);
    assertThatThrownBy(() -> Replicas.builder(List.of("a")).decay(Duration.ofMillis(1).minusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decay");
    assertThatThrownBy(() -> Replicas.builder(List.of("a")).decay(Duration.ofHours(1).plusNanos(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decay");
    assertThat(Replicas.of("a", "b")).hasToString("Replicas[a, b][decay=PT1S]");

    Replicas<String> two = Replicas.of("a", "b");
    assertThat(two.get(routedTo(1))).isEqualTo("b");
    assertThatThrownBy(() -> two.get(routedTo(2))).as("an attempt of a larger set")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicaIndex 2");
  }

  /** An attempt routed to the replica of index {@code replica}, as another policy's set may route one. */
  private static Attempt routedTo(int replica) {
    return new Attempt() {
      @Override
      public int index() {
        return 0;
      }

      @Override
      public Trigger trigger() {
        return Trigger.FIRST;
      }

      @Override
      public Duration sinceCallStart() {
        return Duration.ZERO;
      }

      @Override
      public int replicaIndex() {
        return replica;
      }
    };
  }

  @Test
  void badInputIsRefusedByName() {
    assertThatThrownBy(() -> Replicas.of(List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicas must hold 1 to 64");
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      many.add(i);
    }
    assertThatThrownBy(() -> Replicas.of(many)).hasMessageContaining("held 65");
    assertThatThrownBy(() -> Replicas.of(java.util.Arrays.asList("a", null))).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("replicas[1]");
    assertThatThrownBy(() -> Replicas.builder(List.of("a")).decay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decay");
    assertThatThrownBy(() -> Hedge.builder().replicas(Replicas.of("a")).timeSource(new ManualTimeSource()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("replicas' timeSource");
    assertThatThrownBy(() -> new AttemptReport(0, AttemptReport.Outcome.CANCELLED, Duration.ZERO, null, -2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica");
  }
}
