package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redundant.Hedge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared timer of asynchronous calls on the system clock sleeps through calls decided before their
 * first event, however many, and still wakes for an entry due before it would.
 */
class WatcherTimerTest {
  private static final Duration HOUR = Duration.ofHours(1);

  /** Calls decided right after they started: each pushes an entry the timer will find decided. */
  private static void decidedCalls(Hedge<Integer> hedge, int calls) {
    for (int i = 0; i < calls; i++) {
      CompletableFuture<Integer> reply = new CompletableFuture<>();
      CompletableFuture<Integer> call = hedge.callStage(attempt -> reply);
      reply.complete(i);
      assertThat(call.join()).isEqualTo(i);
    }
  }

  @Test
  void aTimerHoldingOnlyDecidedCallsSleepsThroughTheNextOnes() {
    Hedge<Integer> hedge = Hedge.<Integer>builder().maxAttempts(2).delay(HOUR).build();
    decidedCalls(hedge, 1);
    long before = WatcherTimer.unparks();
    int calls = 300;
    for (int i = 0; i < calls; i++) {
      // The timer sleeps, having dropped the previous calls' entries (they were decided) or not yet seen them.
      await().atMost(Duration.ofSeconds(Patience.SECONDS)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(WatcherTimer::isParked);
      decidedCalls(hedge, 1); // its entry is due later than the one the timer dropped
    }
    long unparks = WatcherTimer.unparks() - before;
    // Each call may unpark it with probability 1 / DRAIN_EVERY (0.3 expected here), to drop entries in
    // bulk. A timer that parked for good once it had dropped every entry it held was unparked by the next
    // call each time (measured: in 1 of 4 runs of this test, 12 unparks; in a loop of a million calls,
    // with calls also unparking it whenever it ran, 45-120 per 1,000).
    assertThat(unparks).as("unparks of the timer by %s calls", calls).isLessThan(5);
  }

  @Test
  void aLiveCallDueLaterDoesNotMakeEveryDecidedCallWakeTheTimer() {
    // A call still waiting for a hedge in two hours: the timer holds its entry the whole test.
    Hedge<Integer> later = Hedge.<Integer>builder().maxAttempts(2).delay(HOUR.multipliedBy(2)).build();
    CompletableFuture<Integer> waiting = later.callStage(attempt -> new CompletableFuture<>());
    try {
      // A call that only its hedge, 1 ms later, can win: the timer fires it, so it has sorted in every
      // entry pushed before (the two-hour one too), whatever the tests before this one left it doing.
      Hedge<Integer> soon = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofMillis(1)).build();
      assertThat(soon.callStage(attempt -> attempt.index() == 0 ? new CompletableFuture<Integer>()
          : CompletableFuture.completedFuture(1)).join()).isEqualTo(1);
      Hedge<Integer> hedge = Hedge.<Integer>builder().maxAttempts(2).delay(HOUR).build();
      await().atMost(Duration.ofSeconds(Patience.SECONDS)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
          .until(WatcherTimer::isParked); // until the two-hour entry, its first live one
      decidedCalls(hedge, 1); // due before the live entry: this one wakes the timer
      long before = WatcherTimer.unparks();
      int calls = 300;
      for (int i = 0; i < calls; i++) {
        await().atMost(Duration.ofSeconds(Patience.SECONDS)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
            .until(WatcherTimer::isParked);
        decidedCalls(hedge, 1); // due in an hour: before the live entry, after the ones dropped
      }
      long unparks = WatcherTimer.unparks() - before;
      // A timer that slept until its first live entry was woken by each of these calls that came after it
      // dropped the previous one (measured against it: 28 and 111 unparks run alone, 11 in 1 of 3 runs of
      // the class; the calls whose entry it sorted in before they were decided hid the rest).
      assertThat(unparks).as("unparks of the timer by %s calls", calls).isLessThan(5);
    } finally {
      waiting.cancel(true);
    }
  }

  @Test
  void anEntryDueBeforeTheTimerWouldWakeStillWakesIt() throws Exception {
    Hedge<Integer> decidedLater = Hedge.<Integer>builder().maxAttempts(2).delay(HOUR).build();
    decidedCalls(decidedLater, 2_000); // the timer sleeps an hour, for entries it has dropped or holds
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(50)).build();
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> call = hedge.callStage(attempt -> attempt.index() == 0 ? never
        : CompletableFuture.completedFuture("hedge"));

    assertThat(call.get(Patience.SECONDS, TimeUnit.SECONDS)).isEqualTo("hedge"); // not in an hour
    assertThat(never).isCancelled();
  }

  /** How long a test waits for what must happen: far beyond any delay here, far below the hour. */
  private static final class Patience {
    static final long SECONDS = 30;
  }
}
