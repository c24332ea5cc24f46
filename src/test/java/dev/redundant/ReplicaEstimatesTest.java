package dev.redundant;

import static dev.redundant.Patiently.PATIENCE;
import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.redundant.Replicas.ReplicaStatistics;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Replicas} set learns of each replica, number by number, as its Javadoc states it: the
 * first answer sets the latency, each later one moves it by {@code 1 - e^(-dt/decay)} ({@code dt} since
 * the previous observation), an attempt cut short only raises it, failures feed a failure rate weighted
 * the same way, everything fades by {@code e^(-age/decay)}, and the score is
 * {@code latency x (inFlight + 1) / (1 - failureRate)^3} with the rate capped at 0.95; a choice takes the
 * lower score of two distinct candidates. Every call runs on the manual clock, so each weight is known.
 */
class ReplicaEstimatesTest {
  private static final Duration DECAY = Duration.ofSeconds(1);
  private static final double MS = 1e6;

  // Each test's own (JUnit makes an instance per test): a clock, one replica on it, a policy of one attempt.
  private final ManualTimeSource time = new ManualTimeSource();
  private final Replicas<String> replicas = replicas(time, DECAY, "a");
  private final Hedge<String> hedge = singleAttempt(replicas, time);

  /** {@code 1 - e^(-dtMs/decay)}: how much an observation {@code dtMs} after the previous one counts. */
  private static double weight(double dtMs, Duration decay) {
    return 1 - kept(dtMs, decay);
  }

  /** {@code e^(-ageMs/decay)}: the share of an estimate that its age keeps. */
  private static double kept(double ageMs, Duration decay) {
    return Math.exp(-ageMs * MS / decay.toNanos());
  }

  private static Replicas<String> replicas(ManualTimeSource time, Duration decay, String... members) {
    return Replicas.builder(List.of(members)).decay(decay).timeSource(time).build();
  }

  private static Hedge<String> singleAttempt(Replicas<String> replicas, ManualTimeSource time) {
    return Hedge.<String>builder().maxAttempts(1).replicas(replicas).timeSource(time).build();
  }

  /** One call of a single attempt: it takes {@code ms} on the manual clock, then returns or fails. */
  private static void call(Hedge<String> hedge, ManualTimeSource time, double ms, boolean fails)
      throws InterruptedException {
    try {
      hedge.call(attempt -> {
        time.advance(Duration.ofNanos(Math.round(ms * MS)));
        if (fails) {
          throw new IOException("failing");
        }
        return "ok";
      });
      assertThat(fails).as("the call succeeded").isFalse();
    } catch (AllAttemptsFailedException expected) {
      assertThat(fails).as("the call failed").isTrue();
    }
  }

  private static ReplicaStatistics stats(Replicas<String> replicas, int index) {
    return replicas.statistics().get(index);
  }

  private static void assertLatency(ReplicaStatistics stats, double expectedNs) {
    // the statistics give whole nanoseconds: the estimate, truncated
    assertThat((double) stats.latency().toNanos()).as("latency, ns").isCloseTo(expectedNs, within(1.0));
  }

  @Test
  void theFirstAnswerSetsTheLatencyAndEachLaterOneMovesItByTheTimeSinceThePreviousObservation()
      throws Exception {
    call(hedge, time, 10, false); // 0 -> 10 ms
    ReplicaStatistics first = stats(replicas, 0);
    assertLatency(first, 10 * MS);
    assertThat(first.failureRate()).isZero();
    assertThat(first.score()).isCloseTo(10 * MS, withinPercentage(1e-7));

    time.advance(Duration.ofMillis(490));
    call(hedge, time, 30, false); // 500 -> 530 ms: 520 ms after the previous observation
    double expected = 10 * MS + (30 - 10) * MS * weight(520, DECAY);
    assertLatency(stats(replicas, 0), expected);
    assertThat(stats(replicas, 0).score()).isCloseTo(expected, withinPercentage(1e-7));

    call(hedge, time, 4, false); // 530 -> 534 ms: an answer faster than the estimate lowers it
    expected += (4 * MS - expected) * weight(4, DECAY);
    assertLatency(stats(replicas, 0), expected);
    assertThat(stats(replicas, 0).wins()).isEqualTo(3);
  }

  @Test
  void whatWasObservedFadesByEToTheMinusAgeOverDecay() throws Exception {
    call(hedge, time, 10, false); // 0 -> 10 ms
    call(hedge, time, 20, true); // 10 -> 30 ms: a failure
    double rate = weight(20, DECAY);
    assertThat(stats(replicas, 0).failureRate()).isCloseTo(rate, within(1e-12));

    // the last observation was at 30 ms; 0.1 ms is an age below a thousandth of decay (1 - x, not e^-x)
    for (double ageMs : new double[] {0.1, 1_000, 2_000, 5_000}) {
      time.advance(Duration.ofMillis(30).plusNanos(Math.round(ageMs * MS)).minus(time.elapsed()));
      ReplicaStatistics aged = stats(replicas, 0);
      double keptNow = kept(ageMs, DECAY);
      assertLatency(aged, 10 * MS * keptNow);
      // within a millionth: below a thousandth of decay the library ages by 1 - x, not e^-x (x = age / decay)
      assertThat(aged.failureRate()).as("failure rate at age %s ms", ageMs)
          .isCloseTo(rate * keptNow, withinPercentage(1e-4));
      double success = 1 - rate * keptNow;
      assertThat(aged.score()).as("score at age %s ms", ageMs)
          .isCloseTo(10 * MS * keptNow / (success * success * success), withinPercentage(1e-6));
    }
  }

  @Test
  void aFailureRaisesTheFailureRateByItsWeightAndASuccessLowersItAndNeitherMovesTheOthersEstimate()
      throws Exception {
    call(hedge, time, 10, false); // 0 -> 10 ms

    call(hedge, time, 40, true); // 10 -> 50 ms
    double rate = weight(40, DECAY);
    ReplicaStatistics failed = stats(replicas, 0);
    assertThat(failed.failureRate()).isCloseTo(rate, within(1e-12));
    assertLatency(failed, 10 * MS); // a failure says nothing of how long an answer takes
    double success = 1 - rate;
    assertThat(failed.score()).isCloseTo(10 * MS / (success * success * success), withinPercentage(1e-7));

    call(hedge, time, 30, true); // 50 -> 80 ms
    rate += (1 - rate) * weight(30, DECAY);
    assertThat(stats(replicas, 0).failureRate()).isCloseTo(rate, within(1e-12));

    call(hedge, time, 10, false); // 80 -> 90 ms
    rate *= 1 - weight(10, DECAY);
    ReplicaStatistics recovered = stats(replicas, 0);
    assertThat(recovered.failureRate()).isCloseTo(rate, within(1e-12));
    assertLatency(recovered, 10 * MS);
    assertThat(recovered.failures()).isEqualTo(2);
    assertThat(recovered.wins()).isEqualTo(2);
    assertThat(recovered.attempts()).isEqualTo(4);
  }

  @Test
  void aFailureRateNearOneScoresAsTheCapOfNinetyFivePercent() throws Exception {
    Duration decay = Duration.ofMillis(1);
    Replicas<String> set = replicas(time, decay, "a");
    Hedge<String> policy = singleAttempt(set, time);
    call(policy, time, 1, false); // 0 -> 1 ms
    call(policy, time, 50, true); // 50 decays later: the failure is (all but) the whole estimate

    ReplicaStatistics failing = stats(set, 0);
    assertThat(failing.failureRate()).isCloseTo(1, within(1e-12));
    assertThat(failing.score()).as("1 ms / 0.05^3").isCloseTo(MS / (0.05 * 0.05 * 0.05), withinPercentage(1e-6));
  }

  @Test
  void theScoreCountsTheAttemptsInFlight() throws Exception {
    call(hedge, time, 10, false);

    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      running.countDown();
      release.await();
      return "late";
    });
    assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    ReplicaStatistics busy = stats(replicas, 0);
    assertThat(busy.inFlight()).isEqualTo(1);
    assertThat(busy.score()).as("10 ms x (1 + 1)").isCloseTo(20 * MS, withinPercentage(1e-7));

    release.countDown();
    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("late");
    patiently().until(() -> stats(replicas, 0).inFlight() == 0);
  }

  @Test
  void anAttemptCutShortRaisesTheLatencyButNeverLowersItAndIsNoFailure() throws Exception {
    call(hedge, time, 10, false); // 0 -> 10 ms

    cancelAfter(hedge, replicas, time, 30); // 10 -> 40 ms, cancelled: it ran 30 ms, more than the estimate
    double expected = 10 * MS + (30 - 10) * MS * weight(30, DECAY);
    ReplicaStatistics raised = stats(replicas, 0);
    assertLatency(raised, expected);
    assertThat(raised.failureRate()).isZero();

    cancelAfter(hedge, replicas, time, 5); // 40 -> 45 ms, cancelled after 5 ms: it says nothing new
    ReplicaStatistics kept = stats(replicas, 0);
    assertLatency(kept, expected * kept(5, DECAY)); // only aged since the observation at 40 ms
    assertThat(kept.failureRate()).isZero();
    assertThat(kept.attempts()).isEqualTo(3);
    assertThat(kept.wins()).isEqualTo(1);
    assertThat(kept.failures()).isZero();
    assertThat(kept.inFlight()).isZero();
  }

  /** Starts a call whose attempt never answers, lets {@code ms} pass, then cancels the call. */
  private static void cancelAfter(Hedge<String> hedge, Replicas<String> replicas, ManualTimeSource time, int ms)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      running.countDown();
      new CountDownLatch(1).await(); // until interrupted
      return "never";
    });
    assertThat(running.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    time.advance(Duration.ofMillis(ms));
    call.cancel(true);
    assertThat(call).isCancelled();
    patiently().until(() -> stats(replicas, 0).inFlight() == 0);
  }

  @Test
  void anAttemptTimeoutRaisesTheLatencyAndCountsAsAFailure() throws Exception {
    Replicas<String> set = replicas(time, DECAY, "a");
    Hedge<String> policy = Hedge.<String>builder().maxAttempts(1).attemptTimeout(Duration.ofMillis(50))
        .replicas(set).timeSource(time).build();
    call(policy, time, 10, false); // 0 -> 10 ms

    CompletableFuture<String> call = policy.callAsync(attempt -> {
      new CountDownLatch(1).await(); // until interrupted
      return "never";
    });
    time.awaitParkedUntil(Duration.ofMillis(60)); // its attempt timeout, 50 ms after it started at 10 ms
    time.advanceAndAwaitParked(Duration.ofMillis(50));
    assertThatThrownBy(() -> call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    patiently().until(() -> stats(set, 0).inFlight() == 0);

    double w = weight(50, DECAY);
    ReplicaStatistics timedOut = stats(set, 0);
    assertLatency(timedOut, 10 * MS + (50 - 10) * MS * w);
    assertThat(timedOut.failureRate()).isCloseTo(w, within(1e-12));
    assertThat(timedOut.failures()).isEqualTo(1);
  }

  @Test
  void aReplicaThatNeverAnsweredIsScoredAsTheSlowestThatDid() throws Exception {
    Replicas<String> set = replicas(time, DECAY, "ok", "down");
    Hedge<String> policy = Hedge.<String>builder().maxAttempts(2).noHedging().replicas(set).timeSource(time)
        .build();
    long[] downFailedAt = {-1};
    for (int i = 0; i < 100 && (stats(set, 1).failures() == 0 || stats(set, 0).wins() == 0); i++) {
      policy.call(attempt -> {
        if (set.get(attempt).equals("down")) {
          time.advance(Duration.ofMillis(2));
          downFailedAt[0] = time.nanoTime(); // the engine reads the same instant as the attempt's end
          throw new IOException("down");
        }
        time.advance(Duration.ofMillis(10));
        return "ok";
      });
    }
    assertThat(stats(set, 1).failures()).as("failures of down").isPositive();
    time.advance(Duration.ofMillis(300));

    ReplicaStatistics ok = stats(set, 0);
    ReplicaStatistics down = stats(set, 1);
    assertThat(down.latency()).isZero();
    assertThat(down.wins()).isZero();
    double downKept = kept((time.nanoTime() - downFailedAt[0]) / MS, DECAY);
    double success = 1 - down.failureRate();
    assertThat(down.score()).as("ok's latency, aged by down's own age, over down's success cubed")
        .isCloseTo(ok.latency().toNanos() * downKept / (success * success * success), withinPercentage(1e-5));
  }

  @Test
  void anAttemptStartingExactlyAThousandthOfDecayAfterAnObservedOneIsObserved() throws Exception {
    call(hedge, time, 1, false); // starts at 0, observed: 1 ms
    call(hedge, time, 5, false); // starts at 1 ms = decay / 1000 later: observed, 1 -> 6 ms
    assertLatency(stats(replicas, 0), 1 * MS + (5 - 1) * MS * weight(5, DECAY));
  }

  @Test
  void aChoiceTakesTheCheaperOfTwoDistinctCandidatesForFirstAttemptsAndHedgesAlike() throws Exception {
    // a decay of an hour: the ages of this test keep each estimate within 1e-4 of what it was learnt at
    Replicas<String> set = replicas(time, Duration.ofHours(1), "a", "b", "c", "d");
    Map<String, Integer> latencyMs = Map.of("a", 10, "b", 20, "c", 40, "d", 80);
    Hedge<String> learning = singleAttempt(set, time);
    for (int i = 0; i < 200 && set.statistics().stream().anyMatch(r -> r.wins() == 0); i++) {
      learning.call(attempt -> {
        time.advance(Duration.ofMillis(latencyMs.get(set.get(attempt))));
        return set.get(attempt);
      });
    }
    assertThat(set.statistics()).as("every replica answered once").allMatch(r -> r.wins() > 0);
    long dBefore = stats(set, 3).attempts();

    // The clock stands still from here: the scores are a < b < c < d, and stay so.
    Hedge<String> hedged = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).replicas(set)
        .timeSource(time).build();
    int calls = 600;
    int[] firsts = new int[4];
    for (int i = 0; i < calls; i++) {
      HedgeResult<String> result = hedged.callForResult(attempt -> {
        if (attempt.index() == 0) {
          new CountDownLatch(1).await(); // the first attempt loses: it waits until cancelled
        }
        return set.get(attempt);
      });
      List<Integer> used = result.attempts().stream().map(AttemptReport::replica).toList();
      assertThat(used).hasSize(2).doesNotHaveDuplicates();
      firsts[used.get(0)]++;
      patiently().until(() -> set.statistics().stream().allMatch(r -> r.inFlight() == 0));
    }

    // A first attempt goes to the cheaper of a pair of the 4: a is in 3 of the 6 pairs, b is the cheaper in
    // 2, c in 1, d in none (1/2, 1/3, 1/6, 0). A hedge goes to the cheaper of a pair of the 3 the call has
    // not tried, which always hold d, the costliest: d never wins a pair, so it gets no attempt at all.
    assertThat(stats(set, 3).attempts()).as("attempts of d, the costliest").isEqualTo(dBefore);
    assertThat(firsts[0]).as("first attempts of a, of %s", calls).isBetween(240, 360);
    assertThat(firsts[1]).as("first attempts of b, of %s", calls).isBetween(140, 260);
    assertThat(firsts[2]).as("first attempts of c, of %s", calls).isBetween(50, 150);
  }
}
