package dev.redundant.bench;

import static dev.redundant.bench.Callers.BATCH;

import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
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
 * Baseline: a race of 2 with {@code StructuredTaskScope} and {@code Joiner.anySuccessfulResultOrThrow()}
 * (JDK 25 preview API). Compiled only when the bench profile is built on JDK 25; the forked JVM gets
 * {@code --enable-preview} from {@link Fork#jvmArgsPrepend()} (do not pass -jvmArgsPrepend on the command
 * line, which would replace it). Same batching and caller types as {@link RaceBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsPrepend = "--enable-preview", jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class StructuredScopeBenchmark {

  @Param({"platform", "virtual"})
  public String caller;

  private boolean virtual;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    virtual = Callers.isVirtual(caller);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineStructuredTaskScope2(Blackhole bh) throws Exception {
    Callers.run(virtual, () -> {
      for (int i = 0; i < BATCH; i++) {
        int in = next++;
        try (var scope = StructuredTaskScope.open(Joiner.<Integer>anySuccessfulResultOrThrow())) {
          scope.fork(() -> in * 31);
          scope.fork(() -> in * 31 + 1);
          bh.consume(scope.join());
        }
      }
    });
  }
}
