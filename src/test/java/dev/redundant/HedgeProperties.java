package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redundant.AttemptReport.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of a call over random attempt outcomes and latencies. */
class HedgeProperties {

  enum Kind {
    SUCCEED,
    FAIL,
    REJECT
  }

  /** What attempt {@code i} does: sleeps {@code latencyMillis}, then succeeds, fails or returns a rejected value. */
  record Step(Kind kind, int latencyMillis) {}

  /**
   * A call: one step per attempt ({@code maxAttempts = steps.size()}), the hedge delay, waitForLosers, and
   * whether it is made with {@code callAsync}.
   */
  record Scenario(List<Step> steps, int delayMillis, boolean waitForLosers, boolean async) {
    int maxAttempts() {
      return steps.size();
    }

    boolean anySuccess() {
      return steps.stream().anyMatch(s -> s.kind() == Kind.SUCCEED);
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 3))
        .as(Step::new);
    return Combinators.combine(step.list().ofMinSize(1).ofMaxSize(6), Arbitraries.of(0, 1),
        Arbitraries.of(false, true), Arbitraries.of(false, true)).as(Scenario::new);
  }

  @Property(tries = 200)
  void aCallReturnsAnAcceptedSuccessOrReportsEveryFailure(@ForAll("scenarios") Scenario scenario) throws Exception {
    int n = scenario.maxAttempts();
    Exception[] thrown = new Exception[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      thrown[i] = new IOException("attempt " + i);
      values[i] = new String((scenario.steps().get(i).kind() == Kind.REJECT ? "bad-" : "ok-") + i);
    }
    AtomicInteger started = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    Set<Integer> indexes = ConcurrentHashMap.newKeySet();
    AttemptTask<String> task = attempt -> {
      int i = attempt.index();
      started.incrementAndGet();
      running.incrementAndGet();
      try {
        assertThat(indexes.add(i)).as("attempt index %s runs once", i).isTrue();
        Step step = scenario.steps().get(i);
        if (step.latencyMillis() > 0) {
          Thread.sleep(step.latencyMillis());
        }
        if (step.kind() == Kind.FAIL) {
          throw thrown[i];
        }
        return values[i];
      } finally {
        running.decrementAndGet();
      }
    };
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(n).delay(Duration.ofMillis(scenario.delayMillis()))
        .rejectIf(v -> v.startsWith("bad-")).waitForLosers(scenario.waitForLosers()).build();

    String value = null;
    AllAttemptsFailedException failure = null;
    int runningAtReturn;
    if (scenario.async()) {
      CompletableFuture<String> future = hedge.callAsync(task);
      CompletableFuture<Integer> runningAtCompletion = future.handle((v, e) -> running.get());
      try {
        value = future.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(AllAttemptsFailedException.class);
        failure = (AllAttemptsFailedException) e.getCause();
      }
      runningAtReturn = runningAtCompletion.get(30, TimeUnit.SECONDS);
    } else {
      try {
        value = hedge.call(task);
      } catch (AllAttemptsFailedException e) {
        failure = e;
      }
      runningAtReturn = running.get();
    }

    if (scenario.waitForLosers()) {
      assertThat(runningAtReturn).as("attempts running when a waitForLosers call returned").isZero();
    }
    assertThat(started.get()).isBetween(1, n);
    assertThat(indexes).allSatisfy(i -> assertThat(i).isBetween(0, n - 1));
    if (scenario.anySuccess()) {
      assertThat(failure).as("the call failed although an attempt succeeds").isNull();
      String v = value;
      int winner = Integer.parseInt(v.substring("ok-".length()));
      assertThat(scenario.steps().get(winner).kind()).isEqualTo(Kind.SUCCEED);
      assertThat(v).isSameAs(values[winner]);
      assertThat(indexes).contains(winner);
    } else {
      assertThat(failure).as("no attempt succeeds: the call must fail").isNotNull();
      assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class);
      assertThat(started.get()).isEqualTo(n);
      assertThat(failure.failures()).hasSize(n);
      assertThat(failure.attempts()).extracting(AttemptReport::index)
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).boxed().toList());
      for (int i = 0; i < n; i++) {
        Throwable f = failure.failures().get(i);
        AttemptReport report = failure.attempts().get(i);
        assertThat(report.failure()).isSameAs(f);
        if (scenario.steps().get(i).kind() == Kind.FAIL) {
          Throwable expected = thrown[i];
          assertThat(failure.failures().stream().filter(x -> x == expected).count())
              .as("failure of attempt %s present exactly once", i).isEqualTo(1);
          assertThat(f).isSameAs(expected);
          assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        } else {
          assertThat(report.outcome()).isEqualTo(Outcome.REJECTED);
          assertThat(f).isInstanceOf(RejectedResultException.class);
          assertThat(((RejectedResultException) f).value()).isSameAs(values[i]);
        }
      }
    }
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> running.get() == 0);
    assertThat(started.get()).isLessThanOrEqualTo(n);
  }
}
