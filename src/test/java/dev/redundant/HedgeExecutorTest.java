package dev.redundant;

import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** executor and threadFactory: where attempts run, and what a rejected or failed launch does. */
class HedgeExecutorTest {

  @Test
  void attemptsRunOnTheUsersExecutor() throws Throwable {
    AtomicInteger executions = new AtomicInteger();
    List<Thread> made = new CopyOnWriteArrayList<>();
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, fail(new IOException("0"))).on(1, value("b"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .executor(r -> {
          executions.incrementAndGet();
          Thread t = Thread.ofPlatform().daemon().unstarted(r);
          made.add(t);
          t.start();
        }).build();

    assertThat(Caller.VIRTUAL.start(() -> hedge.call(task)).join()).isEqualTo("b");
    assertThat(executions).hasValue(2);
    assertThat(task.threads.values()).containsExactlyInAnyOrderElementsOf(made);
    assertThat(task.threads.values()).noneMatch(Thread::isVirtual);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void anExecutorThatRejectsEveryAttemptFailsTheCall(Caller caller) throws Throwable {
    List<RejectedExecutionException> rejections = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO)
        .executor(r -> {
          RejectedExecutionException e = new RejectedExecutionException("full " + rejections.size());
          rejections.add(e);
          throw e;
        }).build();

    Throwable thrown = caller.start(() -> hedge.call(attempt -> {
      calls.incrementAndGet();
      return "never";
    })).failure();
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) thrown;
    assertThat(rejections).hasSize(3);
    assertThat(all.failures()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(all.failures().get(i)).isSameAs(rejections.get(i));
    }
    assertThat(all.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.FAILED);
    assertThat(calls).hasValue(0);
  }

  @Test
  void anExecutorThatRejectsEveryAttemptFailsTheFuture() {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
        .executor(r -> {
          throw new RejectedExecutionException("shut down");
        }).build();
    AllAttemptsFailedException all = RedundantAsyncTest.unwrap(hedge.callAsync(() -> "never"));
    assertThat(all.failures()).hasSize(2).allSatisfy(f -> assertThat(f).isInstanceOf(RejectedExecutionException.class));
  }

  @Test
  void aRejectedAttemptStartsTheNextOne() throws Throwable {
    AtomicInteger executions = new AtomicInteger();
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(value("ran"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .executor(r -> {
          if (executions.incrementAndGet() == 1) {
            throw new RejectedExecutionException("full");
          }
          Thread.startVirtualThread(r);
        }).build();

    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isEqualTo("ran");
    assertThat(task.attempts.keySet()).containsExactly(1);
    assertThat(task.attempts.get(1).trigger()).isEqualTo(Trigger.FAILOVER);
  }

  @Test
  void aRejectionCanBeFatal() throws Throwable {
    RejectedExecutionException rejected = new RejectedExecutionException("shut down");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO)
        .fatalIf(RejectedExecutionException.class::isInstance)
        .executor(r -> {
          throw rejected;
        }).build();
    Throwable thrown = Caller.PLATFORM.start(() -> hedge.call(() -> "never")).failure();
    assertThat(thrown).isExactlyInstanceOf(FatalFailureException.class);
    assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(rejected);
  }

  @Test
  void attemptsRunOnThreadsOfTheThreadFactory() throws Throwable {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory factory = r -> Thread.ofPlatform().daemon().name("replica-" + made.getAndIncrement()).unstarted(r);
    CyclicBarrier barrier = new CyclicBarrier(2);
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(entry -> {
      barrier.await(30, TimeUnit.SECONDS);
      return Thread.currentThread().getName();
    });
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).threadFactory(factory).build();

    assertThat(Caller.VIRTUAL.start(() -> hedge.call(task)).join()).startsWith("replica-");
    assertThat(made).hasValue(2);
    assertThat(task.threads.values()).extracting(Thread::getName).containsExactlyInAnyOrder("replica-0", "replica-1");
    assertThat(task.threads.values()).noneMatch(Thread::isVirtual);
  }

  @Test
  void aThreadFactoryThatReturnsNullOrThrowsFailsThatAttempt() throws Throwable {
    AtomicInteger asked = new AtomicInteger();
    IllegalStateException factoryBug = new IllegalStateException("factory bug");
    ThreadFactory factory = r -> switch (asked.getAndIncrement()) {
      case 0 -> null;
      case 1 -> throw factoryBug;
      default -> Thread.ofVirtual().unstarted(r);
    };
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(value("third"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1)).threadFactory(factory)
        .build();
    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isEqualTo("third");
    assertThat(task.attempts.keySet()).containsExactly(2);

    AtomicInteger asked2 = new AtomicInteger();
    Hedge<String> failing = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .threadFactory(r -> {
          if (asked2.getAndIncrement() == 0) {
            return null;
          }
          throw factoryBug;
        }).build();
    AllAttemptsFailedException all =
        (AllAttemptsFailedException) Caller.PLATFORM.start(() -> failing.call(() -> "never")).failure();
    assertThat(all.failures().get(0)).isInstanceOf(RejectedExecutionException.class);
    assertThat(all.failures().get(1)).isSameAs(factoryBug);
  }
}
