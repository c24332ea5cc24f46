package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.testing.ManualTimeSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The choice of {@link ReplicaRouter} for a call that has tried some replicas: only untried candidates
 * (all of them again once every one was tried), the cheaper of two distinct ones. A choice changes
 * nothing, so many choices on the same state show its distribution.
 */
class ReplicaRouterTest {
  private static final int CHOICES = 3_000;

  /** A router of replicas whose latencies were each observed once, at 0: replica i took latenciesMs[i]. */
  private static ReplicaRouter learnt(ManualTimeSource time, int... latenciesMs) {
    ReplicaRouter router = new ReplicaRouter(latenciesMs.length, TimeUnit.HOURS.toNanos(1), time);
    for (int i = 0; i < latenciesMs.length; i++) {
      int started = router.started(i, time.nanoTime());
      assertThat(started).as("the first attempt of a replica is observed").isEqualTo(i | ReplicaRouter.OBSERVED);
      router.ended(i, null, true, true, TimeUnit.MILLISECONDS.toNanos(latenciesMs[i]), time.nanoTime());
    }
    return router;
  }

  private static int[] choices(ReplicaRouter router, long tried, long now) {
    int[] chosen = new int[router.size()];
    for (int i = 0; i < CHOICES; i++) {
      chosen[router.choose(tried, now)]++;
    }
    return chosen;
  }

  @Test
  void aCallHasTriedAllOnlyWhenItsBitsHoldEveryReplica() {
    ManualTimeSource time = new ManualTimeSource();
    ReplicaRouter three = new ReplicaRouter(3, 1_000_000_000L, time);
    assertThat(three.allTried(0b111)).isTrue();
    assertThat(three.allTried(0b011)).isFalse();
    assertThat(three.allTried(0b110)).isFalse();
    assertThat(three.allTried(0)).isFalse();
    ReplicaRouter sixtyFour = new ReplicaRouter(ReplicaRouter.MAX_REPLICAS, 1_000_000_000L, time);
    assertThat(sixtyFour.allTried(-1L)).isTrue();
    assertThat(sixtyFour.allTried(Long.MAX_VALUE)).as("all but replica 63").isFalse();
  }

  @Test
  void aFailoverGoesToTheCheaperOfTwoDistinctUntriedReplicas() {
    ManualTimeSource time = new ManualTimeSource();
    ReplicaRouter router = learnt(time, 10, 20, 40, 80);

    // Tried replica 0: the pairs of {1, 2, 3} are {1, 2}, {1, 3}, {2, 3}: 1 wins two, 2 one, 3 none.
    int[] afterZero = choices(router, 0b0001, time.nanoTime());
    assertThat(afterZero[0]).as("the tried replica").isZero();
    assertThat(afterZero[3]).as("the costliest untried").isZero();
    assertThat(afterZero[1]).as("replica 1, of %s", CHOICES).isBetween(CHOICES * 7 / 12, CHOICES * 9 / 12);
    assertThat(afterZero[2]).isEqualTo(CHOICES - afterZero[1]);

    // Tried 1 and 3: 0 and 2 are the only pair; the cheaper always wins.
    assertThat(choices(router, 0b1010, time.nanoTime())).containsExactly(CHOICES, 0, 0, 0);
    // One untried: it is chosen, however costly.
    assertThat(choices(router, 0b0111, time.nanoTime())).containsExactly(0, 0, 0, CHOICES);
  }

  @Test
  void theSecondCandidateIsDrawnFromTheUntriedLessTheFirstWhateverTheirIndices() {
    ManualTimeSource time = new ManualTimeSource();
    ReplicaRouter router = learnt(time, 80, 40, 20, 10); // the costliest has the lowest index
    // Tried 3: the pairs of {0, 1, 2} are {0, 1}, {0, 2}, {1, 2}: 2 wins two, 1 one, 0 none. A second
    // candidate drawn from the untried without taking the first out would pair a replica with itself.
    int[] afterThree = choices(router, 0b1000, time.nanoTime());
    assertThat(afterThree[0]).as("the costliest untried").isZero();
    assertThat(afterThree[2]).as("replica 2, of %s", CHOICES).isBetween(CHOICES * 7 / 12, CHOICES * 9 / 12);
    assertThat(afterThree[1]).isEqualTo(CHOICES - afterThree[2]);
  }

  @Test
  void onceEveryReplicaWasTriedAllAreCandidatesAgain() {
    ManualTimeSource time = new ManualTimeSource();
    ReplicaRouter router = learnt(time, 10, 20, 40, 80);
    // Of the 6 pairs of 4: 0 is in 3, 1 the cheaper in 2, 2 in 1, 3 in none.
    int[] again = choices(router, 0b1111, time.nanoTime());
    assertThat(again[3]).isZero();
    assertThat(again[0]).as("replica 0, of %s", CHOICES).isBetween(CHOICES * 5 / 12, CHOICES * 7 / 12);
    assertThat(again[2]).as("replica 2, of %s", CHOICES).isBetween(CHOICES / 12, CHOICES * 3 / 12);
  }

  @Test
  void alikeUntriedReplicasAreChosenUniformly() {
    ManualTimeSource time = new ManualTimeSource();
    ReplicaRouter router = new ReplicaRouter(ReplicaRouter.MAX_REPLICAS, TimeUnit.HOURS.toNanos(1), time);
    // Nothing observed: every cost is 0, so the first of the pair is taken: uniform over the candidates.
    long tried = ~0b1_0000_0000_0000_0000_0101L; // untried: 0, 2 and 20
    int[] chosen = choices(router, tried, time.nanoTime());
    for (int untried : new int[] {0, 2, 20}) {
      assertThat(chosen[untried]).as("replica %s, of %s", untried, CHOICES).isBetween(CHOICES / 4, CHOICES * 5 / 12);
    }
    assertThat(chosen[0] + chosen[2] + chosen[20]).isEqualTo(CHOICES);
    assertThat(choices(router, ~(1L << 63), time.nanoTime())[63]).as("the one untried of 64").isEqualTo(CHOICES);
  }
}
