package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.testing.FakeDependency;
import dev.redundant.testing.ManualTimeSource;
import dev.redundant.testing.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of a call over random attempt outcomes and latencies. Latencies and the hedge delay elapse
 * on a {@link ManualTimeSource} that the test steps 1 ms at a time, so no test waits on the wall clock.
 * The interleaving of attempt threads may still vary from run to run; every property checked here holds
 * for every interleaving.
 */
class HedgeProperties {

  enum Kind {
    SUCCEED,
    FAIL,
    REJECT
  }

  /** What attempt {@code i} does: takes {@code latencyMillis} on the clock, then succeeds, fails or returns a rejected value. */
  record Step(Kind kind, int latencyMillis) {}

  /** A call: one step per attempt ({@code maxAttempts = steps.size()}), the hedge delay, waitForLosers, how it is made. */
  record Scenario(List<Step> steps, int delayMillis, boolean waitForLosers, Caller caller) {
    int maxAttempts() {
      return steps.size();
    }

    boolean anySuccess() {
      return steps.stream().anyMatch(s -> s.kind() == Kind.SUCCEED);
    }
  }

  /** What the call gave, and how many attempts still ran when it returned. */
  record Result(String value, AllAttemptsFailedException failure, int runningAtReturn) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 3))
        .as(Step::new);
    return Combinators.combine(step.list().ofMinSize(1).ofMaxSize(6), Arbitraries.of(0, 1),
        Arbitraries.of(false, true), Arbitraries.of(Caller.class)).as(Scenario::new);
  }

  @Property(tries = 200)
  void aCallReturnsAnAcceptedSuccessOrReportsEveryFailure(@ForAll("scenarios") Scenario scenario) throws Throwable {
    int n = scenario.maxAttempts();
    ManualTimeSource time = new ManualTimeSource();
    Exception[] thrown = new Exception[n];
    String[] values = new String[n];
    @SuppressWarnings("unchecked")
    FakeDependency<String>[] attempts = new FakeDependency[n]; // attempt i calls attempts[i]
    for (int i = 0; i < n; i++) {
      Step step = scenario.steps().get(i);
      thrown[i] = new IOException("attempt " + i);
      values[i] = new String((step.kind() == Kind.REJECT ? "bad-" : "ok-") + i);
      Reply<String> reply = step.kind() == Kind.FAIL ? Reply.failure(thrown[i]) : Reply.value(values[i]);
      attempts[i] = FakeDependency.<String>builder().timeSource(time)
          .script(reply.after(Duration.ofMillis(step.latencyMillis()))).build();
    }
    AttemptTask<String> task = attempt -> attempts[attempt.index()].call();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(n).delay(Duration.ofMillis(scenario.delayMillis()))
        .rejectIf(v -> v.startsWith("bad-")).waitForLosers(scenario.waitForLosers()).timeSource(time).build();

    CompletableFuture<Result> call = start(scenario.caller(), hedge, task, attempts);
    // Move the clock only while someone waits on it, and each time only once everything due has run.
    for (int step = 0; ; step++) {
      Patiently.patiently().until(() -> call.isDone() || time.waiters() > 0);
      if (call.isDone()) {
        break;
      }
      assertThat(step).as("1 ms steps of the clock before the call ended; %s; %s; %s", scenario,
          Arrays.toString(attempts), time).isLessThan(1_000);
      time.advanceAndAwaitParked(Duration.ofMillis(1));
    }
    Result result = call.get(30, TimeUnit.SECONDS);

    if (scenario.waitForLosers()) {
      assertThat(result.runningAtReturn()).as("attempts running when a waitForLosers call returned").isZero();
    }
    int started = started(attempts);
    assertThat(started).isBetween(1, n);
    for (FakeDependency<String> attempt : attempts) {
      assertThat(attempt.calls().size()).as("each attempt index runs at most once").isLessThanOrEqualTo(1);
    }
    if (scenario.anySuccess()) {
      assertThat(result.failure()).as("the call failed although an attempt succeeds").isNull();
      int winner = Integer.parseInt(result.value().substring("ok-".length()));
      assertThat(scenario.steps().get(winner).kind()).isEqualTo(Kind.SUCCEED);
      assertThat(result.value()).isSameAs(values[winner]);
      assertThat(attempts[winner].calls()).isNotEmpty();
    } else {
      AllAttemptsFailedException failure = result.failure();
      assertThat(failure).as("no attempt succeeds: the call must fail").isNotNull();
      assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class);
      assertThat(started).isEqualTo(n);
      assertThat(failure.failures()).hasSize(n);
      assertThat(failure.attempts()).extracting(AttemptReport::index)
          .containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
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
    for (FakeDependency<String> attempt : attempts) {
      attempt.awaitNoneInFlight(); // every loser ends: the call interrupted it or it ran to its end
    }
  }

  private static CompletableFuture<Result> start(Caller caller, Hedge<String> hedge, AttemptTask<String> task,
      FakeDependency<String>[] attempts) {
    if (caller == Caller.ASYNC) {
      return hedge.callAsync(task).handle((v, e) -> {
        // the future completes on an attempt's or the clock's thread, at the moment the call ends
        AllAttemptsFailedException failure = e == null ? null : (AllAttemptsFailedException) unwrap(e);
        return new Result(v, failure, running(attempts));
      });
    }
    return caller.start(() -> {
      try {
        String value = hedge.call(task);
        return new Result(value, null, running(attempts));
      } catch (AllAttemptsFailedException e) {
        return new Result(null, e, running(attempts));
      }
    }).result();
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException || e instanceof ExecutionException
        ? e.getCause() : e;
  }

  private static int running(FakeDependency<String>[] attempts) {
    return Arrays.stream(attempts).mapToInt(FakeDependency::inFlight).sum();
  }

  private static int started(FakeDependency<String>[] attempts) {
    return Arrays.stream(attempts).mapToInt(a -> a.calls().size()).sum();
  }
}
