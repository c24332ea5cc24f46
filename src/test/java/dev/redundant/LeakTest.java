package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Nothing is left behind: thousands of races, every loser ended, every timer thread ended. */
class LeakTest {
  private static final int RACES = 5_000;
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private final AtomicInteger running = new AtomicInteger();
  private final Queue<Thread> attemptThreads = new ConcurrentLinkedQueue<>();

  /** A loser sleeps; a winner returns at once. Counts running attempts and records every attempt's thread. */
  private String attempt(boolean wins, boolean parkInsteadOfSleep) throws InterruptedException {
    running.incrementAndGet();
    attemptThreads.add(Thread.currentThread());
    try {
      if (wins) {
        return "w";
      }
      if (parkInsteadOfSleep) {
        while (!Thread.currentThread().isInterrupted()) {
          LockSupport.park(this);
        }
        throw new InterruptedException();
      }
      Thread.sleep(Duration.ofMinutes(10));
      return "loser";
    } finally {
      running.decrementAndGet();
    }
  }

  private void awaitNothingLeft() {
    Awaitility.await().atMost(GENEROUS).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
      assertThat(running).hasValue(0);
      assertThat(attemptThreads).noneMatch(Thread::isAlive);
    });
  }

  @Test
  void firstSuccessLeavesNothingRunning() throws Exception {
    for (int i = 0; i < RACES; i++) {
      AtomicInteger ticket = new AtomicInteger();
      boolean park = (i & 1) == 0;
      String v = Redundant.firstSuccess(3, () -> attempt(ticket.getAndIncrement() == 2, park));
      assertThat(v).isEqualTo("w");
    }
    awaitNothingLeft();
  }

  @Test
  void firstSuccessAsyncLeavesNothingRunning() throws Exception {
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < RACES; i++) {
      AtomicInteger ticket = new AtomicInteger();
      futures.add(Redundant.firstSuccessAsync(2, () -> attempt(ticket.getAndIncrement() == 1, false)));
      if (futures.size() == 100) {
        for (CompletableFuture<String> f : futures) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo("w");
        }
        futures.clear();
      }
    }
    awaitNothingLeft();
  }

  @Test
  void hedgeCallsWithDelaysAndTimeoutsLeaveNothingRunning() throws Exception {
    // a real clock that records the virtual threads that wait on it: the timer threads of async calls
    java.util.Set<Thread> timerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    TimeSource recording = new TimeSource() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void parkUntil(long deadlineNanos) {
        if (Thread.currentThread().isVirtual()) {
          timerThreads.add(Thread.currentThread());
        }
        TimeSource.system().parkUntil(deadlineNanos);
      }
    };
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofNanos(1))
        .timeout(Duration.ofMinutes(10)).attemptTimeout(Duration.ofMinutes(5)).timeSource(recording).build();
    Hedge<String> cancelled = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMinutes(1))
        .timeout(Duration.ofMinutes(10)).timeSource(recording).build();
    int races = RACES / 2;
    for (int i = 0; i < races; i++) {
      if ((i & 1) == 0) {
        assertThat(hedge.call(a -> attempt(a.index() == 2, false))).isEqualTo("w");
      } else {
        assertThat(hedge.callAsync(a -> attempt(a.index() == 2, true)).get(60, TimeUnit.SECONDS)).isEqualTo("w");
      }
      if (i % 10 == 0) {
        CompletableFuture<String> f = cancelled.callAsync(a -> attempt(false, false));
        f.cancel(true);
      }
    }
    awaitNothingLeft();
    assertThat(timerThreads).isNotEmpty();
    patiently().atMost(GENEROUS).untilAsserted(() -> assertThat(timerThreads).noneMatch(Thread::isAlive));
  }
}
