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
