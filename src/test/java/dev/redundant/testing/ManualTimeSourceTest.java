package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.Hedge;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManualTimeSourceTest {

  private static final Duration SHORT = Duration.ofMillis(50);
  private static final long MS = 1_000_000L;

  @AfterEach
  void clearInterruptStatus() {
    Thread.interrupted();
  }

  /**
   * A thread that parks on {@code time} until {@code deadline}, in a loop, as the library does. A clock
   * whose parkUntil does not wait would make it spin: after 1,000 early returns (far more than spurious
   * wake-ups) it gives up and fails {@code done}.
   */
  private static Thread parkUntil(ManualTimeSource time, long deadline, CompletableFuture<Void> done) {
    return Thread.ofPlatform().daemon().start(() -> {
      int early = 0;
      while (time.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
        time.parkUntil(deadline);
        if (time.nanoTime() - deadline < 0 && ++early == 1_000) {
          done.completeExceptionally(new AssertionError("parkUntil returned 1,000 times before its deadline"));
          return;
        }
      }
      done.complete(null);
    });
  }

  /** Waits until {@code thread} is parked (WAITING), inside parkUntil: it takes no other lock. */
  private static void awaitReallyParked(Thread thread) {
    await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
        .until(() -> thread.getState() == Thread.State.WAITING);
  }

  /** With an origin near the end of the long range, deadlines past the wrap still wait. */
  @ParameterizedTest
  @ValueSource(longs = {0, -1, 1, Long.MAX_VALUE, Long.MAX_VALUE - 50 * MS, Long.MAX_VALUE - 1,
      Long.MIN_VALUE, Long.MIN_VALUE + 50 * MS, Long.MIN_VALUE - 50 * MS})
  void aDeadlinePastTheWrapIsWaitedForExactly(long origin) throws Exception {
    ManualTimeSource time = new ManualTimeSource(origin);
    long deadline = origin + 100 * MS; // may wrap around
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread parker = parkUntil(time, deadline, done);

    time.awaitParkedUntil(Duration.ofMillis(100));
    awaitReallyParked(parker); // a clock that does not wait would leave it spinning, RUNNABLE
    time.advanceAndAwaitParked(Duration.ofMillis(100).minusNanos(1));
    awaitReallyParked(parker);
    assertThat(done).as("1 ns before the deadline").isNotDone();
    assertThat(time.waiters()).isOne();

    time.advance(Duration.ofNanos(1));
    done.get(10, TimeUnit.SECONDS);
    assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(100));
    assertThat(time.nanoTime()).isEqualTo(deadline);
  }

  @Test
  void aDeadlineThatHasComeDoesNotPark() throws Exception {
    ManualTimeSource time = new ManualTimeSource(Long.MAX_VALUE);
    time.advance(Duration.ofMillis(1)); // wraps around to MIN_VALUE + 1 ms - 1 ns
    Thread parker = Thread.ofPlatform().daemon().start(() -> time.parkUntil(Long.MAX_VALUE)); // 1 ms ago
    assertThat(parker.join(Duration.ofSeconds(10))).as("parkUntil of a past deadline returned").isTrue();
    assertThat(time.waiters()).isZero();
    assertThat(time.elapsed()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void advancingBackwardsFailsClearly() {
    ManualTimeSource time = new ManualTimeSource();
    assertThatThrownBy(() -> time.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must not be negative, was PT-0.000000001S: a ManualTimeSource never goes"
            + " backwards");
    assertThatThrownBy(() -> time.advanceAndAwaitParked(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never goes backwards");
    assertThatThrownBy(() -> time.advance(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("duration");
    assertThatThrownBy(() -> time.advance(Duration.ofDays(300 * 365L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must fit in a long of nanoseconds");
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void badWaitingArgumentsNameTheParameter() {
    ManualTimeSource time = new ManualTimeSource();
    assertThatThrownBy(() -> time.awaitWaiters(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must not be negative, was -1");
    assertThatThrownBy(() -> time.awaitWaiters(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(() -> time.awaitParkedUntil(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("elapsed must not be negative");
    assertThatThrownBy(() -> time.awaitSettled(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
  }

  @Test
  void waitingForAThreadThatNeverParksTimesOutSayingWhatItSaw() {
    ManualTimeSource time = new ManualTimeSource();
    assertThatThrownBy(() -> time.awaitWaiters(1, SHORT))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Timed out after PT0.05S waiting for 1 thread(s) waiting on the clock")
        .hasMessageContaining("clock at PT0S, 0 thread(s) waiting on it []");
    assertThatThrownBy(() -> time.awaitParkedUntil(Duration.ofSeconds(1), SHORT))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("waiting for a thread waiting on the clock until PT1S");
  }

  @Test
  void advanceAndAwaitNamesAThreadThatCameDueAndDidNotParkAgain() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    CountDownLatch spinning = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    Thread busy = Thread.ofPlatform().daemon().name("busy-after-its-deadline").start(() -> {
      time.parkUntil(Duration.ofSeconds(1).toNanos());
      spinning.countDown();
      while (stop.getCount() > 0) {
        Thread.onSpinWait(); // runs, never parks: the test cannot say it settled
      }
    });
    try {
      time.awaitWaiters(1);
      time.advance(Duration.ofSeconds(1));
      spinning.await();
      assertThatThrownBy(() -> time.advanceAndAwaitParked(Duration.ZERO, SHORT))
          .isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("Timed out after PT0.05S waiting for everything due at PT1S to run"
              + " and park again")
          .hasMessageContaining("busy-after-its-deadline")
          .hasMessageContaining("RUNNABLE");
    } finally {
      stop.countDown();
      busy.join();
    }
  }

  @Test
  void advanceAndAwaitReturnsOnceTheWokenThreadParksForItsNextDeadline() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    CompletableFuture<Void> done = new CompletableFuture<>();
    // wakes at 1 s, "works", then waits for 3 s: like a caller that starts a hedge and waits on
    Thread.ofVirtual().start(() -> {
      long t1 = Duration.ofSeconds(1).toNanos();
      while (time.nanoTime() - t1 < 0) {
        time.parkUntil(t1);
      }
      long t3 = Duration.ofSeconds(3).toNanos();
      while (time.nanoTime() - t3 < 0) {
        time.parkUntil(t3);
      }
      done.complete(null);
    });
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advanceAndAwaitParked(Duration.ofSeconds(1));
    time.awaitParkedUntil(Duration.ofSeconds(3), Duration.ofNanos(1)); // already true: no waiting
    time.advanceAndAwaitParked(Duration.ofSeconds(2));
    done.get(10, TimeUnit.SECONDS);
    time.awaitWaiters(0);
  }

  @Test
  void aThreadBlockedElsewhereCountsAsSettled() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    CountDownLatch gate = new CountDownLatch(1);
    Thread t = Thread.ofVirtual().start(() -> {
      time.parkUntil(Duration.ofSeconds(1).toNanos());
      try {
        gate.await(); // like an attempt that, after its latency, waits on a latch
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    time.awaitWaiters(1);
    time.advanceAndAwaitParked(Duration.ofSeconds(1));
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
    gate.countDown();
    t.join();
    time.awaitSettled(Duration.ofSeconds(10));
  }

  /**
   * The thread that asks to wait is never waited for, though it once waited on the clock
   * itself. Settled at once, so the short timeout only bounds how long the broken version takes to fail.
   */
  @Test
  void theWaitingThreadDoesNotWaitForItselfThoughItOnceWaitedOnTheClock() {
    ManualTimeSource time = new ManualTimeSource();
    time.parkUntil(time.nanoTime()); // due already: returns at once, but this thread has now used the clock

    time.awaitSettled(SHORT);
    time.advanceAndAwaitParked(Duration.ofSeconds(1), SHORT);

    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(1));
  }

  /** A test thread, as a user reported it, that made one synchronous hedged call, then advances. */
  @Test
  void aTestThreadThatMadeASynchronousCallCanAdvanceAndAwaitAfterIt() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    FakeDependency<String> fake = FakeDependency.<String>builder().timeSource(time)
        .script(Reply.value("slow").after(Duration.ofSeconds(1))).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofSeconds(5))
        .timeSource(time).build();
    Thread caller = Thread.currentThread();
    Thread advancer = Thread.ofPlatform().daemon().start(() -> {
      try {
        time.awaitParkedUntil(Duration.ofSeconds(5)); // the caller, on this clock, waits for the hedge
        time.awaitParkedUntil(Duration.ofSeconds(1)); // the attempt waits out its latency
        time.advance(Duration.ofSeconds(1));
      } catch (Throwable t) {
        caller.interrupt(); // ends the call with InterruptedException rather than hanging the test
        throw t;
      }
    });

    assertThat(hedge.call(fake::call)).isEqualTo("slow"); // this thread has parked on the clock
    advancer.join();
    time.advanceAndAwaitParked(Duration.ofSeconds(1));

    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(2));
  }

  /**
   * A thread that has ended is forgotten, so a long simulation that only advances the
   * clock does not hold every thread that ever waited on it.
   */
  @Test
  void threadsThatHaveEndedAreForgotten() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    for (int i = 0; i < 1_000; i++) {
      Thread.ofVirtual().start(() -> time.parkUntil(time.nanoTime())).join();
      time.advance(Duration.ofMillis(1));
    }

    // each registration of a new thread prunes the ended ones once there are more than the floor
    assertThat(time.trackedThreads()).isBetween(1, ManualTimeSource.PRUNE_FLOOR + 1);
  }

  @Test
  void parkUntilReturnsAtOnceWhenInterruptedAndKeepsTheStatus() {
    ManualTimeSource time = new ManualTimeSource();
    Thread.currentThread().interrupt();
    time.parkUntil(Duration.ofHours(1).toNanos());
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(time.waiters()).isZero();
  }

  @Test
  void describesItself() {
    ManualTimeSource time = new ManualTimeSource(-5);
    time.advance(Duration.ofSeconds(2));
    assertThat(time).hasToString("ManualTimeSource[PT2S, 0 waiting]");
  }
}
