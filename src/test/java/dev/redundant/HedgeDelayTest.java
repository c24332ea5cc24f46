package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Attempt.Trigger;
import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** When attempts start: zero and positive delays, failover, staggering, the attempt context. */
class HedgeDelayTest {

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aZeroDelayStartsEveryAttemptAtOnce(Caller caller) throws Exception {
    int n = 3;
    CyclicBarrier barrier = new CyclicBarrier(n);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    ScriptedTask<Integer> task = new ScriptedTask<Integer>().otherwise(entry -> {
      threads.add(Thread.currentThread());
      barrier.await(30, TimeUnit.SECONDS);
      return entry.index();
    });
    Hedge<Integer> hedge = Hedge.<Integer>builder().maxAttempts(n).delay(Duration.ZERO).build();

    assertThat(caller.start(hedge, task).get(30, TimeUnit.SECONDS)).isBetween(0, n - 1);
    assertThat(threads).hasSize(n).allSatisfy(t -> assertThat(t.isVirtual()).isTrue());
    assertThat(task.attempts.get(0).trigger()).isEqualTo(Trigger.FIRST);
    assertThat(task.attempts.get(0).isHedge()).isFalse();
    for (int i = 1; i < n; i++) {
      assertThat(task.attempts.get(i).trigger()).isEqualTo(Trigger.HEDGE);
      assertThat(task.attempts.get(i).isHedge()).isTrue();
      assertThat(task.attempts.get(i).index()).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aPositiveDelayStartsTheNextAttemptOnlyWhenItElapses(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(2, value("third"))
        .otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);

    task.awaitStarted(1);
    time.awaitWaiters(1); // the call waits for the clock
    assertThat(task.started).hasValue(1);
    assertThat(result).isNotDone();

    time.advance(Duration.ofSeconds(1));
    task.awaitStarted(2);
    time.awaitWaiters(1);
    assertThat(task.started).hasValue(2);

    time.advance(Duration.ofSeconds(1));
    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("third");
    assertThat(task.started).hasValue(3);

    assertThat(task.attempts.get(0).trigger()).isEqualTo(Trigger.FIRST);
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.HEDGE);
    assertThat(task.attempts.get(2).trigger()).isEqualTo(Trigger.HEDGE);
    assertThat(task.attempts.get(1).isHedge()).isTrue();
    assertThat(task.sinceCallStartAtEntry.get(0)).isEqualTo(Duration.ZERO);
    assertThat(task.sinceCallStartAtEntry.get(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(task.sinceCallStartAtEntry.get(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(task.attempts.get(0).sinceCallStart()).as("read now").isEqualTo(Duration.ofSeconds(2));
    task.awaitInterrupted(0, 1);
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailureStartsTheNextAttemptAtOnceWithoutTheClockMoving(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(new IOException("down")))
        .on(1, fail(new IOException("down too")))
        .on(2, value("third"));
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(3).delay(Duration.ofHours(1)).timeSource(time).build();

    assertThat(caller.start(hedge, task).get(30, TimeUnit.SECONDS)).isEqualTo("third");
    assertThat(task.started).hasValue(3);
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(task.attempts.get(2).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(task.attempts.get(1).isHedge()).isFalse();
    assertThat(task.sinceCallStartAtEntry.values()).containsOnly(Duration.ZERO);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aPerAttemptDelayStaggersTheHedges(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(3, value("fourth"))
        .otherwise(hang());
    // attempt i starts i seconds after attempt i - 1
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(4).delay(i -> Duration.ofSeconds(i)).timeSource(time).build();
    CompletableFuture<String> result = caller.start(hedge, task);

    task.awaitStarted(1);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    assertThat(task.started).hasValue(1);
    time.advance(Duration.ofSeconds(1)); // t = 1: attempt 1

    task.awaitStarted(2);
    time.awaitParkedUntil(Duration.ofSeconds(3));
    time.advanceAndAwaitParked(Duration.ofSeconds(1));
    time.awaitParkedUntil(Duration.ofSeconds(3)); // t = 2: nothing due
    assertThat(task.started).hasValue(2);
    time.advance(Duration.ofSeconds(1)); // t = 3: attempt 2

    task.awaitStarted(3);
    time.awaitParkedUntil(Duration.ofSeconds(6));
    assertThat(task.started).hasValue(3);
    time.advance(Duration.ofSeconds(3)); // t = 6: attempt 3

    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("fourth");
    assertThat(task.sinceCallStartAtEntry).containsEntry(0, Duration.ZERO)
        .containsEntry(1, Duration.ofSeconds(1))
        .containsEntry(2, Duration.ofSeconds(3))
        .containsEntry(3, Duration.ofSeconds(6));
    for (int i = 1; i < 4; i++) {
      assertThat(task.attempts.get(i).trigger()).isEqualTo(Trigger.HEDGE);
    }
    task.awaitInterrupted(0, 1, 2);
  }

  @Test
  void theHedgeDelayCountsFromTheLatestAttemptsStart() throws Throwable {
    // attempt 0 fails at t = 0.5 s; attempt 1 (failover) starts then; attempt 2 is due 1 s after it
    ManualTimeSource time = new ManualTimeSource();
    CountDownLatch fail0 = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(fail0, fail(new IOException("down"))))
        .on(2, value("third"))
        .otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time).build();
    Running<String> call = Caller.PLATFORM.start(() -> hedge.call(task));

    task.awaitStarted(1);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advanceAndAwaitParked(Duration.ofMillis(500));
    time.awaitParkedUntil(Duration.ofSeconds(1));
    fail0.countDown();
    task.awaitStarted(2);
    task.awaitThreadEnded(0);
    // t = 1 s: 1 s after attempt 0, but only 0.5 s after attempt 1
    time.advanceAndAwaitParked(Duration.ofMillis(500));
    time.awaitParkedUntil(Duration.ofMillis(1500));
    assertThat(task.started).hasValue(2);
    time.advance(Duration.ofMillis(500));

    assertThat(call.join()).isEqualTo("third");
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
    assertThat(task.attempts.get(2).trigger()).isEqualTo(Trigger.HEDGE);
    assertThat(task.sinceCallStartAtEntry.get(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(task.sinceCallStartAtEntry.get(2)).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void aZeroDelayAfterAPositiveOneStartsTogetherWithThePreviousHedge() throws Throwable {
    ManualTimeSource time = new ManualTimeSource();
    java.util.concurrent.CyclicBarrier hedges = new java.util.concurrent.CyclicBarrier(2);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, hang())
        .otherwise(entry -> {
          hedges.await(30, TimeUnit.SECONDS); // attempts 1 and 2 run together
          return "hedge " + entry.index();
        });
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3)
        .delay(i -> i == 1 ? Duration.ofSeconds(1) : Duration.ZERO).timeSource(time).build();
    Running<String> call = Caller.VIRTUAL.start(() -> hedge.call(task));
    task.awaitStarted(1);
    time.awaitParkedUntil(Duration.ofSeconds(1));
    assertThat(task.started).hasValue(1);
    time.advance(Duration.ofSeconds(1));

    assertThat(call.join()).startsWith("hedge ");
    assertThat(task.sinceCallStartAtEntry).containsEntry(1, Duration.ofSeconds(1))
        .containsEntry(2, Duration.ofSeconds(1));
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.HEDGE);
    assertThat(task.attempts.get(2).trigger()).isEqualTo(Trigger.HEDGE);
    task.awaitInterrupted(0);
  }

  @Test
  void aPlainCallableIsAccepted() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    assertThat(hedge.call(() -> "plain")).isEqualTo("plain");
    assertThat(hedge.call(() -> null)).isNull();
  }

  @Test
  void aPlainCallableRunsEveryAttemptWhenTheyFail() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(4).delay(Duration.ofHours(1)).build();
    assertThat(hedge.call(() -> {
      if (calls.incrementAndGet() < 4) {
        throw new IOException("not yet");
      }
      return "fourth";
    })).isEqualTo("fourth");
    assertThat(calls).hasValue(4);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void neverMoreThanMaxAttemptsStart(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    AtomicInteger executed = new AtomicInteger();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(new IOException("0")))
        .otherwise(hang());
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(3).delay(Duration.ofSeconds(1)).timeSource(time)
        .executor(r -> {
          executed.incrementAndGet();
          Thread.startVirtualThread(r);
        })
        .build();
    CompletableFuture<String> result = caller.start(hedge, task);
    task.awaitStarted(2); // attempt 1 by failover
    for (int i = 0; i < 5; i++) {
      patiently().until(() -> time.waiters() == 1 || task.started.get() == 3);
      time.advance(Duration.ofSeconds(1));
    }
    task.awaitStarted(3);
    // time keeps moving: nothing more may start
    for (int i = 0; i < 5; i++) {
      time.advance(Duration.ofHours(1));
    }
    assertThat(result).isNotDone();
    assertThat(task.started).hasValue(3);
    assertThat(executed).hasValue(3);
    assertThat(task.attempts.keySet()).containsExactlyInAnyOrder(0, 1, 2);
    result.cancel(true); // the async future ends the call; a sync caller is interrupted below
    if (caller != Caller.ASYNC) {
      // cancel on a plain CompletableFuture does nothing to the call: interrupt the attempts' way out
      task.threads.values().forEach(Thread::interrupt);
    }
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void allFailingAttemptsStartNoMoreThanMaxAttempts(Caller caller) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(5).delay(Duration.ofMillis(1)).build();
    AttemptTask<String> task = attempt -> {
      calls.incrementAndGet();
      throw new IOException("attempt " + attempt.index());
    };
    CompletableFuture<String> result = caller.start(hedge, task);
    AllAttemptsFailedException all = RedundantAsyncTest.unwrap(result);
    assertThat(all.attempts()).extracting(AttemptReport::index).containsExactly(0, 1, 2, 3, 4);
    assertThat(calls).hasValue(5);
  }
}
