package dev.redundant.bench;

import static dev.redundant.bench.Callers.BATCH;

import dev.redundant.Hedge;
import dev.redundant.StageTask;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A hedged call whose attempts return a stage ({@code hedge.callStage}, {@code maxAttempts(2)}, 1 s delay)
 * and whose first attempt wins, against its baseline: the task's future called directly, with {@code
 * orTimeout(1 s)} on it (one timer per call, as the hedge delay is). Two shapes of the first attempt:
 * <ul>
 *   <li>{@code *AtOnce}: the task returns a completed future (a cache hit): the call is decided before it
 *       returns, and the library starts no clock watcher;
 *   <li>{@code *Later}: the task returns a pending future that the caller completes after the call
 *       started (a reply that arrives later): the library starts the call's one virtual clock watcher, the
 *       baseline schedules its {@code orTimeout} task on the JDK's delayed executor and cancels it.
 * </ul>
 * Each invocation runs {@link Callers#BATCH} operations, on the JMH thread or inside one virtual thread,
 * so times and {@code gc.alloc.rate.norm} are per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class StageBenchmark {

  @Param({"platform", "virtual"})
  public String caller;

  private boolean virtual;
  private int next;
  private Hedge<Integer> hedged;

  @Setup(Level.Trial)
  public void setUp() {
    virtual = Callers.isVirtual(caller);
    hedged = hedgedPolicy();
  }

  /** The policy under test: {@code maxAttempts(2)}, a hedge after 1 s. */
  static Hedge<Integer> hedgedPolicy() {
    return Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).build();
  }

  /** A hedged staged call whose first attempt returns a completed future. */
  static Integer stageAtOnce(Hedge<Integer> hedged, int in) {
    StageTask<Integer> task = attempt -> CompletableFuture.completedFuture(in * 31 + attempt.index());
    return hedged.callStage(task).join();
  }

  /** Its baseline: the task's completed future with {@code orTimeout}. */
  static Integer orTimeoutAtOnce(int in) {
    return CompletableFuture.completedFuture(in * 31).orTimeout(1, TimeUnit.SECONDS).join();
  }

  /** A hedged staged call whose first attempt's future completes after the call started. */
  static Integer stageLater(Hedge<Integer> hedged, int in) {
    CompletableFuture<Integer> reply = new CompletableFuture<>();
    CompletableFuture<Integer> call = hedged.callStage(attempt -> reply);
    reply.complete(in * 31);
    return call.join();
  }

  /** Its baseline: a pending future with {@code orTimeout}, completed after. */
  static Integer orTimeoutLater(int in) {
    CompletableFuture<Integer> reply = new CompletableFuture<>();
    CompletableFuture<Integer> call = reply.orTimeout(1, TimeUnit.SECONDS);
    reply.complete(in * 31);
    return call.join();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void stageFirstWinsAtOnce(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(stageAtOnce(hedged, next++));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineOrTimeoutAtOnce(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(orTimeoutAtOnce(next++));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void stageFirstWinsLater(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(stageLater(hedged, next++));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineOrTimeoutLater(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(orTimeoutLater(next++));
      }
    });
  }
}
