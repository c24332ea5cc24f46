package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Hedge;
import dev.redundant.HedgeResult;
import dev.redundant.Redundant;
import dev.redundant.TimeSource;
import dev.redundant.testing.CallRecord.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link FakeDependency#stage()}: a fake's reply as a future that the manual clock completes, with no
 * thread waiting for it, and a {@code cancel} that the fake records.
 */
class FakeDependencyStageTest {

  private static final Duration MS_100 = Duration.ofMillis(100);
  private final ManualTimeSource time = new ManualTimeSource();

  @SafeVarargs
  private FakeDependency<String> fake(Reply<String>... replies) {
    return FakeDependency.builder(String.class).timeSource(time).script(replies).build();
  }

  @Test
  void theStageCompletesWhenTheClockReachesTheLatencyWithNoThreadWaiting() {
    FakeDependency<String> quotes = fake(Reply.value("acme").after(MS_100));
    CompletableFuture<String> stage = quotes.stage();
    assertThat(time.waiters()).isZero();
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.RUNNING);

    time.advance(Duration.ofMillis(99));
    assertThat(stage).isNotDone();
    time.advance(Duration.ofMillis(1));

    assertThat(stage).isCompletedWithValue("acme"); // completed by advance, before it returned
    CallRecord<String> record = quotes.record(0);
    assertThat(record.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(record.end()).isEqualTo(MS_100);
    assertThat(time.pendingActions()).isZero();
  }

  @Test
  void aFailureCompletesTheStageExceptionallyAtItsLatency() {
    IOException down = new IOException("down");
    FakeDependency<String> quotes = fake(Reply.failure(down, MS_100));
    CompletableFuture<String> stage = quotes.stage();
    time.advance(MS_100);

    assertThatThrownBy(stage::join).hasCause(down);
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.FAILED);
    assertThat(quotes.record(0).failure()).isSameAs(down);
  }

  @Test
  void aReplyWithoutLatencyCompletesTheStageBeforeItIsReturned() {
    FakeDependency<String> quotes = fake(Reply.value("now"));
    assertThat(quotes.stage()).isCompletedWithValue("now");
  }

  @Test
  void cancelIsRecordedAndTheReplyNeverRuns() {
    FakeDependency<String> quotes = fake(Reply.<String>valueFrom(call -> {
      throw new AssertionError("a cancelled reply must not be performed");
    }).after(MS_100));
    CompletableFuture<String> stage = quotes.stage();
    time.advance(Duration.ofMillis(40));

    assertThat(stage.cancel(true)).isTrue();
    assertThat(stage).isCancelled();
    CallRecord<String> record = quotes.record(0);
    assertThat(record.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(record.end()).isEqualTo(Duration.ofMillis(40));
    assertThat(record.failure()).isInstanceOf(CancellationException.class);
    assertThat(time.pendingActions()).isZero(); // the reply was disarmed

    time.advance(Duration.ofSeconds(1));
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.CANCELLED);
    quotes.awaitCancelled(1);
  }

  @Test
  void cancelAfterTheReplyDoesNothing() {
    FakeDependency<String> quotes = fake(Reply.value("acme").after(MS_100));
    CompletableFuture<String> stage = quotes.stage();
    time.advance(MS_100);

    assertThat(stage.cancel(true)).isFalse();
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void aReplyThatIgnoresInterruptsIgnoresCancelAndCompletesAsPlanned() {
    FakeDependency<String> quotes = fake(Reply.value("late").after(MS_100).ignoringInterrupts());
    CompletableFuture<String> stage = quotes.stage();

    assertThat(stage.cancel(true)).isFalse();
    time.advance(MS_100);
    assertThat(stage).isCompletedWithValue("late");
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void aHangNeverCompletesUntilCancelled() {
    FakeDependency<String> quotes = fake(Reply.hang());
    CompletableFuture<String> stage = quotes.stage();
    time.advance(Duration.ofDays(1));
    assertThat(stage).isNotDone();
    assertThat(quotes.inFlight()).isOne();

    stage.cancel(true);
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(quotes.inFlight()).isZero();
  }

  @Test
  void aReplyWithALatchAndARunOutScriptFailTheStageWithoutThrowing() {
    FakeDependency<String> quotes = fake(Reply.value("x").afterLatch(new CountDownLatch(1)));
    assertThatThrownBy(quotes.stage()::join).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("latch");
    assertThatThrownBy(quotes.stage()::join).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("script ran out");
    assertThat(quotes.calls()).extracting(CallRecord::outcome).containsExactly(Outcome.FAILED, Outcome.FAILED);
  }

  @Test
  void dueRepliesCompleteInTheOrderOfTheirReadingsThenOfTheirStarts() {
    FakeDependency<String> quotes = fake(Reply.value("slow").after(Duration.ofMillis(30)),
        Reply.value("tie-a").after(Duration.ofMillis(10)), Reply.value("tie-b").after(Duration.ofMillis(10)));
    List<String> order = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      quotes.stage().thenAccept(order::add);
    }
    time.advance(Duration.ofSeconds(1));

    assertThat(order).containsExactly("tie-a", "tie-b", "slow");
  }

  @Test
  void aReplyStartedByACompletionThatIsDueAlreadyCompletesInTheSameAdvance() {
    FakeDependency<String> quotes = fake(Reply.value("first").after(MS_100), Reply.value("second"));
    CompletableFuture<String> chained = quotes.stage().thenCompose(first -> quotes.stage());
    time.advance(MS_100);
    assertThat(chained).isCompletedWithValue("second");
  }

  @Test
  void anActionThatThrowsDoesNotStopTheOthers() {
    List<String> ran = new CopyOnWriteArrayList<>();
    time.at(10, () -> {
      throw new IllegalStateException("boom");
    });
    time.at(20, () -> ran.add("later"));

    assertThatThrownBy(() -> time.advance(Duration.ofMillis(1))).hasMessage("boom");
    assertThat(ran).containsExactly("later");
    assertThat(time.pendingActions()).isZero();
  }

  @Test
  void onAnotherClockAVirtualThreadWaitsForTheLatency() throws Exception {
    FakeDependency<String> quotes = FakeDependency.builder(String.class).timeSource(TimeSource.system())
        .script(Reply.value("real").after(Duration.ofMillis(1)), Reply.<String>hang()).build();
    assertThat(quotes.stage().get(10, TimeUnit.SECONDS)).isEqualTo("real");
    CompletableFuture<String> hung = quotes.stage();
    hung.cancel(true);
    assertThat(quotes.record(1).outcome()).isEqualTo(Outcome.CANCELLED);
  }

  // ---------------------------------------------------------------- with a hedge

  @Test
  void aHedgedStageCallOnTheKitTheHedgeWinsAndTheFirstAttemptIsRecordedCancelled() throws Exception {
    FakeDependency<String> quotes = fake(Reply.value("slow").after(Duration.ofMillis(300)),
        Reply.value("fast").after(Duration.ofMillis(50)));
    Hedge<String> hedge = Hedge.<String>builder().delay(MS_100).maxAttempts(2).timeSource(time).build();

    CompletableFuture<HedgeResult<String>> call = hedge.callStageForResult(attempt -> quotes.stage());
    time.awaitParkedUntil(MS_100);
    time.advanceAndAwaitParked(MS_100); // the hedge starts at 100 ms
    assertThat(quotes.calls()).hasSize(2);
    time.advanceAndAwaitParked(Duration.ofMillis(50)); // it answers at 150 ms

    HedgeResult<String> result = call.get(10, TimeUnit.SECONDS);
    assertThat(result.value()).isEqualTo("fast");
    assertThat(result.winner()).isOne();
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(quotes.record(0).end()).isEqualTo(Duration.ofMillis(150));
    assertThat(time.pendingActions()).isZero();
  }

  @Test
  void firstSuccessStageTakesTheFakeAsASupplier() throws Exception {
    FakeDependency<String> quotes = fake(Reply.value("a").after(MS_100), Reply.value("b").after(Duration.ofMillis(20)));
    CompletableFuture<String> call = Redundant.firstSuccessStage(2, quotes::stage);
    time.advance(Duration.ofMillis(20));
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("b");
    assertThat(quotes.record(0).outcome()).isEqualTo(Outcome.CANCELLED);
  }
}
