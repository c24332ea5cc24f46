package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import dev.redundant.HedgeListener.CallSummary;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The order of a call's listener events, on paths where two attempts end at once or an attempt is refused
 * at the call's start, and the reports of a call decided while an attempt it reserved was still being
 * announced.
 */
class EventOrderTest {

  /** Records the events of calls, in order, as short strings. */
  private static final class Log implements HedgeListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public void onAttemptStarted(Attempt attempt) {
      events.add("started " + attempt.index());
    }

    @Override
    public void onAttemptSucceeded(Attempt attempt, Duration duration) {
      events.add("succeeded " + attempt.index());
    }

    @Override
    public void onAttemptFailed(Attempt attempt, AttemptReport report) {
      events.add("failed " + attempt.index());
    }

    @Override
    public void onAttemptCancelled(Attempt attempt) {
      events.add("cancelled " + attempt.index());
    }

    @Override
    public void onAttemptSkipped(SkippedAttempt skipped) {
      events.add("skipped " + skipped.index());
    }

    @Override
    public void onCallFinished(CallSummary summary) {
      events.add("finished");
      finished.countDown();
    }
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAttemptRejectedJustAsAnotherWinsIsReportedBeforeTheCallFinishes(Caller caller) throws Throwable {
    Log log = new Log();
    CountDownLatch winnerSucceeded = new CountDownLatch(1);
    HedgeListener listener = HedgeListener.of(log, new HedgeListener() {
      @Override
      public void onAttemptSucceeded(Attempt attempt, Duration duration) {
        winnerSucceeded.countDown();
      }
    });
    CountDownLatch rejectedReturned = new CountDownLatch(1);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .rejectIf("bad"::equals)
        .onDiscard(value -> {
          // Attempt 0's value was rejected and it owns its failure, but has not reported it yet: the
          // winner decides now. Before the fix, the winner sent onCallFinished at once, and this thread's
          // onAttemptFailed came after it. The bounded wait for onCallFinished only gives that a chance:
          // with the fix it times out (onCallFinished waits for this report), and the order holds.
          try {
            rejectedReturned.countDown();
            winnerSucceeded.await();
            log.finished.await(200, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .listener(listener).build();
    AttemptTask<String> task = attempt -> {
      if (attempt.index() == 0) {
        return "bad";
      }
      rejectedReturned.await();
      return "good";
    };

    assertThat(Callers.valueOf(caller.start(hedge, task))).isEqualTo("good");
    Patiently.patiently().until(() -> log.events.contains("finished"));
    assertThat(log.events).containsExactlyInAnyOrder("started 0", "started 1", "failed 0", "succeeded 1",
        "finished");
    assertThat(log.events.getLast()).isEqualTo("finished");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aZeroDelayHedgeTheBudgetDeniesIsReportedAfterTheFirstAttemptStarted(Caller caller) throws Throwable {
    Log log = new Log();
    HedgeBudget budget = HedgeBudget.builder().burst(1).hedgesPerSuccess(0).minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).budget(budget)
        .listener(log).build();

    assertThat(Callers.valueOf(caller.start(hedge, attempt -> "v"))).isEqualTo("v");
    Patiently.patiently().until(() -> log.events.contains("finished"));
    assertThat(log.events.subList(0, 3)).containsExactly("started 0", "started 1", "skipped 2");
    assertThat(log.events.getLast()).isEqualTo("finished");
  }

  @org.junit.jupiter.api.Test
  void aCallDecidedWhileAHedgeIsBeingAnnouncedReportsEveryAttemptByItsIndex() throws Throwable {
    // Attempt 1 (a hedge) is reserved and being announced by the clock watcher when attempt 0 fails and
    // its failover, attempt 2, wins: the future's HedgeResult is built while attempt 1 is unpublished.
    ManualTimeSource time = new ManualTimeSource();
    CountDownLatch hedgeAnnounced = new CountDownLatch(1);
    CountDownLatch decided = new CountDownLatch(1);
    HedgeListener slowAnnouncer = new HedgeListener() {
      @Override
      public void onAttemptStarted(Attempt attempt) {
        if (attempt.index() == 1) {
          hedgeAnnounced.countDown();
          await(decided);
        }
      }

      @Override
      public void onAttemptSucceeded(Attempt attempt, Duration duration) {
        decided.countDown();
      }
    };
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time)
        .listener(slowAnnouncer).build();
    AttemptTask<String> task = attempt -> {
      if (attempt.index() == 0) {
        hedgeAnnounced.await();
        throw new IOException("down");
      }
      return "attempt " + attempt.index();
    };

    CompletableFuture<HedgeResult<String>> call = hedge.callForResultAsync(task);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));
    HedgeResult<String> result = Callers.valueOf(call);

    assertThat(result.value()).isEqualTo("attempt 2");
    assertThat(result.winner()).isEqualTo(2);
    assertThat(result.attempts()).extracting(AttemptReport::index).containsExactly(0, 1, 2);
    assertThat(result.attempts().get(result.winner()).outcome()).isEqualTo(AttemptReport.Outcome.SUCCEEDED);
    assertThat(result.attempts().get(1).outcome()).isEqualTo(AttemptReport.Outcome.CANCELLED);
    Patiently.patiently().until(() -> hedge.statistics().calls() == 1 && hedge.statistics().attempts() == 3);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
