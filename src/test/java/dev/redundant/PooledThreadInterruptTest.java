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

/**
 * Interrupt hygiene on threads the user owns: a pooled or reused thread that ran a loser, a cancelled
 * queued attempt or a timed-out attempt carries no interrupt into its next task.
 */
class PooledThreadInterruptTest {
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
