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

/** executor and threadFactory: where attempts run, rejection, and no interrupt left on pooled threads. */
class HedgeExecutorTest {
  private final List<ExecutorService> pools = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutDownPools() throws InterruptedException {
    for (ExecutorService pool : pools) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private ExecutorService fixedPool(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    pools.add(pool);
    return pool;
  }

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

  /**
   * A one-thread executor that, unlike ThreadPoolExecutor, does not clear its thread's interrupt status
   * between tasks: whatever interrupt a task leaves behind, the next task sees.
   */
  static final class SerialWorker implements java.util.concurrent.Executor, AutoCloseable {
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.Semaphore queued = new java.util.concurrent.Semaphore(0);
    private final Thread thread = Thread.ofPlatform().daemon().name("serial-worker").start(this::work);
    private volatile boolean closed;

    private void work() {
      while (!closed) {
        queued.acquireUninterruptibly(); // keeps the interrupt status as it found it
        Runnable r = queue.poll();
        if (r != null) {
          r.run();
        }
      }
    }

    @Override
    public void execute(Runnable r) {
      queue.add(r);
      queued.release();
    }

    boolean nextTaskSeesInterrupt() throws Exception {
      java.util.concurrent.CompletableFuture<Boolean> seen = new java.util.concurrent.CompletableFuture<>();
      execute(() -> seen.complete(Thread.currentThread().isInterrupted()));
      return seen.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      closed = true;
      execute(() -> {});
    }
  }

  /** How a loser on a pooled thread reacts to its cancellation. */
  enum Loser {
    /** Sleeps; the interrupt ends the sleep with an InterruptedException, which it propagates. */
    PROPAGATES,
    /** Catches the InterruptedException and restores the interrupt status, then returns. */
    RESTORES_THE_FLAG,
    /** Never blocks: spins until its interrupt status is set, then returns with it still set. */
    NEVER_LOOKS,
  }

  /** A losing attempt of the given kind: it opens {@code loserIn}, then waits for its interrupt. */
  private static ScriptedTask.Step<String> loser(Loser kind, CountDownLatch loserIn) {
    return entry -> {
      loserIn.countDown();
      switch (kind) {
        case PROPAGATES -> Thread.sleep(Duration.ofMinutes(10));
        case RESTORES_THE_FLAG -> {
          try {
            Thread.sleep(Duration.ofMinutes(10));
          } catch (InterruptedException e) {
            entry.task().noteInterrupted(entry.index());
            Thread.currentThread().interrupt();
          }
        }
        case NEVER_LOOKS -> {
          while (!Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait();
          }
          entry.task().noteInterrupted(entry.index()); // returns with the interrupt status set
        }
      }
      return "loser";
    };
  }

  @ParameterizedTest
  @EnumSource(Loser.class)
  void aPooledThreadCarriesNoInterruptIntoItsNextTask(Loser kind) throws Exception {
    ExecutorService pool = fixedPool(2);
    CountDownLatch loserIn = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(loserIn, value("winner")))
        .on(1, loser(kind, loserIn));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).executor(pool).build();

    assertThat(hedge.call(task)).isEqualTo("winner");
    task.awaitInterrupted(1);
    task.awaitEnded(0, 1);
    assertPoolThreadsNotInterrupted(pool, 2);
  }

  @ParameterizedTest
  @EnumSource(Loser.class)
  void aThreadThatRanALoserCarriesNoInterruptIntoItsNextTask(Loser kind) throws Exception {
    // the loser runs on a worker that does not clear interrupts itself: only the library can
    try (SerialWorker worker = new SerialWorker()) {
      CountDownLatch loserIn = new CountDownLatch(1);
      ScriptedTask<String> task = new ScriptedTask<String>()
          .on(0, after(loserIn, value("winner")))
          .on(1, loser(kind, loserIn));
      AtomicInteger executions = new AtomicInteger();
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
          .executor(r -> {
            if (executions.getAndIncrement() == 0) {
              Thread.startVirtualThread(r); // the winner
            } else {
              worker.execute(r); // the loser
            }
          }).build();

      assertThat(hedge.call(task)).isEqualTo("winner");
      task.awaitInterrupted(1);
      task.awaitEnded(1);
      assertThat(worker.nextTaskSeesInterrupt()).as("interrupt left on the loser's thread").isFalse();
    }
  }

  @Test
  void aPooledThreadCarriesNoInterruptAfterAnAttemptCancelledWhileQueued() throws Exception {
    // one thread: attempt 1 waits in the queue behind attempt 0, which wins; attempt 1 is cancelled unrun
    ExecutorService pool = fixedPool(1);
    CountDownLatch queued = new CountDownLatch(1);
    AtomicInteger executions = new AtomicInteger();
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, after(queued, value("winner")));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .executor(r -> {
          pool.execute(r);
          if (executions.incrementAndGet() == 2) {
            queued.countDown();
          }
        }).build();

    assertThat(hedge.call(task)).isEqualTo("winner");
    assertPoolThreadsNotInterrupted(pool, 1);
    assertThat(task.attempts.keySet()).containsExactly(0);
  }

  @Test
  void aPooledThreadCarriesNoInterruptAfterAnAttemptTimedOut() throws Exception {
    ExecutorService pool = fixedPool(2);
    dev.redundant.testing.ManualTimeSource time = new dev.redundant.testing.ManualTimeSource();
    ScriptedTask<String> task = new ScriptedTask<String>().on(0, hang()).on(1, value("second"));
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .attemptTimeout(Duration.ofSeconds(1)).timeSource(time).executor(pool).build();
    java.util.concurrent.CompletableFuture<String> result = hedge.callAsync(task);
    task.awaitStarted(1);
    time.awaitWaiters(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("second");
    task.awaitInterrupted(0);
    task.awaitEnded(0, 1);
    assertPoolThreadsNotInterrupted(pool, 2);
  }

  /** Runs one task on each of the pool's threads (a barrier holds them all) and checks its interrupt status. */
  private static void assertPoolThreadsNotInterrupted(ExecutorService pool, int threads) throws Exception {
    CyclicBarrier everyThread = new CyclicBarrier(threads);
    List<Future<Boolean>> checks = new java.util.ArrayList<>();
    for (int i = 0; i < threads; i++) {
      checks.add(pool.submit(() -> {
        boolean interrupted = Thread.currentThread().isInterrupted();
        everyThread.await(30, TimeUnit.SECONDS);
        return interrupted;
      }));
    }
    for (Future<Boolean> check : checks) {
      assertThat(check.get(30, TimeUnit.SECONDS)).as("a pool thread's interrupt status").isFalse();
    }
  }
}
