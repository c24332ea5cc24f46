package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Calls whose attempts return a stage ({@link Hedge#callStage}, {@link Redundant#firstSuccessStage}): the
 * contracts of a blocking call, with the stages completed by the test in the order it scripts, and time
 * on a manual clock. No attempt has a thread: a loser's stage is cancelled instead of its thread
 * interrupted.
 */
class StageCallTest {

  private final ManualTimeSource time = new ManualTimeSource();

  /** One stage per attempt, created when the attempt starts, completed by the test. */
  private static final class Stages implements StageTask<String> {
    final List<CompletableFuture<String>> byIndex = new CopyOnWriteArrayList<>();
    final List<Thread> startedOn = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<String> start(Attempt attempt) {
      assertThat(attempt.index()).isEqualTo(byIndex.size()); // attempts start in index order here
      startedOn.add(Thread.currentThread());
      CompletableFuture<String> stage = new CompletableFuture<>();
      byIndex.add(stage);
      return stage;
    }

    CompletableFuture<String> get(int index) {
      patiently().until(() -> byIndex.size() > index);
      return byIndex.get(index);
    }
  }

  private HedgeBuilder<String> policy() {
    return Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time);
  }

  @Test
  void theFirstSuccessWinsAndTheLosersStagesAreCancelledBeforeTheCallCompletes() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);
    assertThat(stages.byIndex).hasSize(3);
    assertThat(stages.startedOn).containsOnly(Thread.currentThread()); // started on the caller's thread

    List<Boolean> losersCancelledAtCompletion = new ArrayList<>();
    call.thenRun(() -> {
      losersCancelledAtCompletion.add(stages.byIndex.get(0).isCancelled());
      losersCancelledAtCompletion.add(stages.byIndex.get(2).isCancelled());
    });
    stages.get(1).complete("second");

    assertThat(Callers.valueOf(call)).isEqualTo("second");
    assertThat(losersCancelledAtCompletion).containsExactly(true, true);
  }

  @Test
  void aFailureStartsTheNextAttemptAtOnceOnTheThreadThatCompletedIt() throws Exception {
    Hedge<String> hedge = policy().build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);
    Thread completer = Thread.ofVirtual().unstarted(() -> stages.get(0).completeExceptionally(new IOException("down")));
    completer.start();
    completer.join();
    stages.get(1).complete("failover");

    assertThat(Callers.valueOf(call)).isEqualTo("failover");
    assertThat(stages.startedOn.get(1)).isSameAs(completer);
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void aHedgeStartsExactlyAtTheDelayAndTheFirstAttemptThenWins() throws Exception {
    Hedge<String> hedge = policy().build();
    Stages stages = new Stages();
    CompletableFuture<HedgeResult<String>> call = hedge.callStageForResult(stages);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    assertThat(stages.byIndex).hasSize(1);
    time.advance(Duration.ofMillis(999));
    time.awaitParkedUntil(Duration.ofSeconds(1));
    assertThat(stages.byIndex).hasSize(1);
    time.advance(Duration.ofMillis(1));
    stages.get(1);
    stages.get(0).complete("first");

    HedgeResult<String> result = Callers.valueOf(call);
    assertThat(result.winner()).isZero();
    assertThat(result.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.SUCCEEDED, Outcome.CANCELLED);
    assertThat(stages.byIndex.get(1).isCancelled()).isTrue();
  }

  @Test
  void theCallTimeoutCarriesEveryFailureAndCancelsWhatRuns() throws Exception {
    Hedge<String> hedge = policy().timeout(Duration.ofSeconds(5)).build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);
    stages.get(0).completeExceptionally(new CompletionException(new IOException("first down")));
    stages.get(1).completeExceptionally(new IOException("second down")); // each failure fails over at once
    stages.get(2);
    time.awaitParkedUntil(Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(5));

    Throwable failure = Callers.failureOf(call);
    assertThat(failure).isInstanceOf(HedgeTimeoutException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) failure;
    assertThat(all.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.CANCELLED);
    assertThat(all.attempts().get(0).failure()).isInstanceOf(IOException.class).hasMessage("first down");
    assertThat(stages.byIndex.get(2).isCancelled()).isTrue();
  }

  @Test
  void aFatalFailureEndsTheCallAndCancelsTheOthers() throws Exception {
    Hedge<String> hedge = policy().delay(Duration.ZERO).fatalOn(IllegalArgumentException.class).build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);
    stages.get(1).completeExceptionally(new IllegalArgumentException("bad request"));

    assertThat(Callers.failureOf(call)).isInstanceOf(FatalFailureException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(stages.byIndex.get(0).isCancelled()).isTrue();
    assertThat(stages.byIndex.get(2).isCancelled()).isTrue();
  }

  @Test
  void cancellingTheCallsFutureCancelsEveryAttemptsStage() throws Exception {
    Hedge<String> hedge = policy().delay(Duration.ZERO).build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);

    assertThat(call.cancel(true)).isTrue();
    assertThat(stages.byIndex).allSatisfy(stage -> assertThat(stage.isCancelled()).isTrue());
    patiently().until(() -> hedge.statistics().failures() == 1);
  }

  @Test
  void aTaskThatThrowsOrReturnsNoStageFailsItsAttempt() throws Exception {
    Hedge<String> hedge = policy().build();
    StageTask<String> task = attempt -> switch (attempt.index()) {
      case 0 -> throw new IOException("refused");
      case 1 -> null;
      default -> CompletableFuture.completedFuture("third");
    };

    HedgeResult<String> result = Callers.valueOf(hedge.callStageForResult(task));
    assertThat(result.value()).isEqualTo("third");
    assertThat(result.attempts().get(0).failure()).isInstanceOf(IOException.class);
    assertThat(result.attempts().get(1).failure()).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aValueThatCompletesALosersStageLateIsDiscarded() throws Exception {
    List<String> discarded = new CopyOnWriteArrayList<>();
    Hedge<String> hedge = policy().delay(Duration.ZERO).maxAttempts(2).onDiscard(discarded::add).build();
    CompletableFuture<String> loser = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        return false; // a client future that cannot be cancelled: its value arrives anyway
      }
    };
    StageTask<String> task = attempt -> attempt.index() == 0 ? loser : CompletableFuture.completedFuture("won");

    assertThat(Callers.valueOf(hedge.callStage(task))).isEqualTo("won");
    loser.complete("late");
    assertThat(discarded).containsExactly("late");
  }

  @Test
  void firstSuccessStageRacesNStagesAndCancelsTheLosers() throws Exception {
    List<CompletableFuture<String>> stages = new CopyOnWriteArrayList<>();
    AtomicInteger started = new AtomicInteger();
    CompletableFuture<String> call = Redundant.firstSuccessStage(3, () -> {
      started.incrementAndGet();
      CompletableFuture<String> stage = new CompletableFuture<>();
      stages.add(stage);
      return stage;
    });
    assertThat(started).hasValue(3);
    stages.get(2).complete("third");

    assertThat(Callers.valueOf(call)).isEqualTo("third");
    assertThat(stages.get(0).isCancelled()).isTrue();
    assertThat(stages.get(1).isCancelled()).isTrue();
  }

  @Test
  void aStageCancelledByItsClientIsAFailureThatFailsOver() throws Exception {
    Hedge<String> hedge = policy().build();
    Stages stages = new Stages();
    CompletableFuture<String> call = hedge.callStage(stages);
    stages.get(0).cancel(false); // the client gave up on its own request
    stages.get(1).complete("failover");

    assertThat(Callers.valueOf(call)).isEqualTo("failover");
    assertThat(stages.byIndex.get(0).isCancelled()).isTrue();
  }
}
