package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.testing.CallRecord;
import dev.redundant.testing.FakeDependency;
import dev.redundant.testing.ManualTimeSource;
import dev.redundant.testing.Reply;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Thread accounting of staged calls: 10,000 concurrent {@code callStage} calls, each with a hedge, on a
 * manual clock, with attempts answered by {@link FakeDependency#stage()} (which needs no thread).
 *
 * <p>What is counted, and how: <b>platform threads</b> are listed by {@link Thread#getAllStackTraces()}
 * before and after the run, and {@link ThreadMXBean#getPeakThreadCount()} (platform threads only) is
 * reset before it, so a platform thread that came and went during the run would show too. <b>Virtual
 * threads</b> are listed nowhere; two honest counts stand in for them: the threads parked on the manual
 * clock while every call waits for its hedge delay (the library's one clock watcher per timed call, the
 * only thing here that waits on that clock), and the distinct threads that invoked the task (20,000
 * attempts: the caller's thread for every first attempt, and one virtual thread per call for its hedge,
 * that call's watcher). Nothing here depends on timing: every wait is for a count, bounded only by a
 * timeout so that a broken run fails instead of hanging.
 */
class StageThreadsTest {

  private static final int CALLS = 10_000;
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  /**
   * Makes the virtual-thread scheduler start all its carrier threads (platform threads it starts on
   * demand, up to its parallelism), so that the run does not count them as its own: as many virtual
   * threads as the parallelism spin until all of them run at once.
   */
  private static void startEveryCarrier() throws InterruptedException {
    int parallelism = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
        Runtime.getRuntime().availableProcessors());
    AtomicInteger running = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(parallelism);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; i < parallelism; i++) {
      Thread.ofVirtual().start(() -> {
        running.incrementAndGet();
        while (running.get() < parallelism && System.nanoTime() - giveUp < 0) {
          Thread.onSpinWait();
        }
        done.countDown();
      });
    }
    done.await();
  }

  private static Set<Thread> platformThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.isVirtual() && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void tenThousandHedgedStageCallsCreateNoPlatformThreadAndOneVirtualThreadPerCallNotPerAttempt()
      throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    FakeDependency<String> firsts = FakeDependency.builder(String.class).timeSource(time)
        .otherwise(Reply.value("first").after(Duration.ofMillis(50))).build();
    FakeDependency<String> hedges = FakeDependency.builder(String.class).timeSource(time)
        .otherwise(Reply.value("hedge").after(Duration.ofMillis(100))).build();
    Map<Thread, Integer> invokers = new ConcurrentHashMap<>(); // thread -> attempts it invoked
    StageTask<String> task = attempt -> {
      invokers.merge(Thread.currentThread(), 1, Integer::sum);
      return attempt.index() == 0 ? firsts.stage() : hedges.stage();
    };
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(10)).timeSource(time)
        .build();
    startEveryCarrier();
    hedge.callStage(task); // warm-up: load the classes of a call, and let its watcher end
    time.advanceAndAwaitParked(Duration.ofMillis(50), PATIENCE);
    time.awaitWaiters(0, PATIENCE);
    invokers.clear();
    Duration origin = time.elapsed();

    Set<Thread> before = platformThreads();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int countBefore = mx.getThreadCount();
    mx.resetPeakThreadCount();

    List<CompletableFuture<String>> calls = new ArrayList<>(CALLS);
    for (int i = 0; i < CALLS; i++) {
      calls.add(hedge.callStage(task));
    }
    // Every call now waits for its hedge delay: on one thread each, parked on the clock until then.
    time.awaitWaiters(CALLS, PATIENCE);
    time.awaitParkedUntil(origin.plus(Duration.ofMillis(10)), PATIENCE);
    time.advance(Duration.ofMillis(10)); // every hedge starts, on its call's watcher
    hedges.awaitCalls(CALLS, PATIENCE);
    time.advance(Duration.ofMillis(40)); // every first attempt answers, on this thread, and wins
    for (CompletableFuture<String> call : calls) {
      assertThat(call.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("first");
    }
    hedges.awaitCancelled(CALLS, PATIENCE);
    time.awaitWaiters(0, PATIENCE);

    Set<Thread> created = platformThreads();
    created.removeAll(before);
    int peak = mx.getPeakThreadCount();
    assertThat(created).as("platform threads created during the run").isEmpty();
    assertThat(peak).as("peak platform threads (%s before the run)", countBefore).isLessThanOrEqualTo(countBefore);

    // 20,000 attempts were invoked by 10,001 threads: this one, and one virtual thread per call.
    assertThat(invokers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * CALLS);
    assertThat(invokers).hasSize(CALLS + 1);
    assertThat(invokers.get(Thread.currentThread())).isEqualTo(CALLS);
    assertThat(invokers.keySet().stream().filter(t -> t != Thread.currentThread()))
        .allSatisfy(t -> assertThat(t.isVirtual()).isTrue());
    assertThat(hedges.calls()).extracting(CallRecord::outcome).containsOnly(CallRecord.Outcome.CANCELLED);
    assertThat(firsts.inFlight()).isZero();
  }
}
