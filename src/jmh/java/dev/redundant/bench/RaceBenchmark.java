package dev.redundant.bench;

import static dev.redundant.bench.Callers.BATCH;

import dev.redundant.Hedge;
import dev.redundant.Redundant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one call of the library against the JDK's ways to do the same, from a platform caller and
 * from a virtual caller. Every operation's task computes a value from a fresh input ({@code in * 31 +
 * attempt}) that is sunk into the blackhole. Each invocation runs {@link Callers#BATCH} operations, on the
 * JMH thread or inside one virtual thread ({@code caller}), so times and {@code gc.alloc.rate.norm} are per
 * operation.
 *
 * <p>Library: {@code firstSuccess(1|2|4)}, and a hedged call ({@code maxAttempts(2)}, 1 s delay) whose
 * first attempt wins before the delay. Baselines: the direct call of the task, one virtual thread started
 * and joined, {@code invokeAny} of 2 tasks on a shared virtual-thread-per-task executor, and a
 * hand-written {@code CompletableFuture} race of 2 on the same executor. {@code StructuredTaskScope} (a
 * preview API) is in {@code StructuredScopeBenchmark}, built on JDK 25 only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RaceBenchmark {

  @Param({"platform", "virtual"})
  public String caller;

  private boolean virtual;
  /** The input of the next operation. */
  private int next;
  /** What the baseline thread computed; read after join. */
  private int out;
  private ExecutorService executor;
  private Hedge<Integer> hedged;

  @Setup(Level.Trial)
  public void setUp() {
    virtual = Callers.isVirtual(caller);
    executor = Executors.newVirtualThreadPerTaskExecutor();
    hedged = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.close();
  }

  // ------------------------------------------------------------------ the library

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void firstSuccess1(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        bh.consume(Redundant.firstSuccess(1, () -> in * 31));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void firstSuccess2(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        bh.consume(Redundant.firstSuccess(2, () -> in * 31));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void firstSuccess4(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        bh.consume(Redundant.firstSuccess(4, () -> in * 31));
      }
    });
  }

  /** maxAttempts(2), delay 1 s: the first attempt wins at once, the hedge never starts. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void hedgedFirstWins(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        bh.consume(hedged.call(attempt -> in * 31 + attempt.index()));
      }
    });
  }

  // ------------------------------------------------------------------ baselines

  /** The task called directly: the floor. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineDirectCall(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        Callable<Integer> task = () -> in * 31;
        bh.consume(task.call());
      }
    });
  }

  /** One virtual thread started and joined, its value read after the join: what firstSuccess(1) does at least. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineVirtualThreadStartJoin(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        Thread t = Thread.startVirtualThread(() -> out = in * 31);
        t.join();
        bh.consume(out);
      }
    });
  }

  /** ExecutorService.invokeAny of 2 tasks on a shared virtual-thread-per-task executor. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineInvokeAny2(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        bh.consume(executor.invokeAny(List.<Callable<Integer>>of(() -> in * 31, () -> in * 31 + 1)));
      }
    });
  }

  /** A hand-written CompletableFuture race of 2: supplyAsync on the executor, anyOf, cancel both. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineCompletableFutureAnyOf2(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> in * 31, executor);
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> in * 31 + 1, executor);
        Object winner = CompletableFuture.anyOf(a, b).join();
        a.cancel(true);
        b.cancel(true);
        bh.consume(winner);
      }
    });
  }
}
