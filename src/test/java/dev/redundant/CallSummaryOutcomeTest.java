package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.HedgeListener.CallSummary;
import dev.redundant.HedgeListener.CallSummary.Outcome;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** {@link CallSummary#outcome()}: how each call ended, as the caller saw it. */
class CallSummaryOutcomeTest {
  private final List<CallSummary> finished = new CopyOnWriteArrayList<>();
  private final HedgeListener listener = HedgeListener.afterCall(finished::add);

  private CallSummary awaitSummary() {
    patiently().until(() -> finished.size() == 1);
    return finished.get(0);
  }

  @Test
  void aWinIsSucceeded() throws Exception {
    Hedge.<String>builder().listener(listener).build().call(() -> "x");

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(finished.get(0).succeeded()).isTrue();
  }

  @Test
  void everyAttemptFailingIsAllFailed() {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).listener(listener).build();

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new IOException("down");
    })).isExactlyInstanceOf(AllAttemptsFailedException.class);

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.ALL_FAILED);
    assertThat(finished.get(0).winner()).isEqualTo(-1);
  }

  @Test
  void aFatalFailureIsFatal() {
    Hedge<String> hedge = Hedge.<String>builder().fatalOn(IllegalArgumentException.class).listener(listener).build();

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new IllegalArgumentException("bad");
    })).isInstanceOf(FatalFailureException.class);

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.FATAL);
  }

  @Test
  void theCallTimeoutIsTimedOut() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    Hedge<String> hedge = Hedge.<String>builder().noHedging().timeout(Duration.ofSeconds(1)).timeSource(time)
        .listener(listener).build();

    CompletableFuture<String> call = hedge.callAsync(() -> {
      new CountDownLatch(1).await();
      return "never";
    });
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));

    assertThat(Callers.failureOf(call)).isInstanceOf(HedgeTimeoutException.class);
    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(finished.get(0).duration()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aFailoverTheBudgetDeniesWithNothingRunningIsDeniedByBudget() {
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(0).burst(1).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).noHedging().budget(budget).listener(listener)
        .build();

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new IOException("down");
    })).isExactlyInstanceOf(AllAttemptsFailedException.class);

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.DENIED_BY_BUDGET);
  }

  @Test
  void aCancelledFutureIsCancelled() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().listener(listener).build();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> call = hedge.callAsync(() -> {
      started.countDown();
      new CountDownLatch(1).await();
      return "never";
    });
    started.await();

    call.cancel(true);

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void anAssertionErrorInAnAttemptIsAnError() {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).listener(listener).build();

    assertThatThrownBy(() -> hedge.call(() -> {
      throw new AssertionError("a test's assertion");
    })).isInstanceOf(AssertionError.class);

    assertThat(awaitSummary().outcome()).isEqualTo(Outcome.ERROR);
  }

  @Test
  void theOlderConstructorsDeriveTheOutcomeAndTheComponentsAreChecked() {
    assertThat(new CallSummary(true, 1, 0, 0, Duration.ZERO).outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(new CallSummary(false, 2, 0, -1, Duration.ZERO, 1).outcome()).isEqualTo(Outcome.ALL_FAILED);
    assertThatThrownBy(() -> new CallSummary(true, 1, 0, 0, Duration.ZERO, 0, Outcome.FATAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FATAL");
    assertThatThrownBy(() -> new CallSummary(false, 1, 0, -1, Duration.ZERO, 0, null))
        .isInstanceOf(NullPointerException.class).hasMessage("outcome");
  }
}
