package dev.redundant.bench;

import dev.redundant.AdaptiveDelay;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeListener;
import dev.redundant.Redundant;
import dev.redundant.micrometer.HedgeMetrics;
import dev.redundant.opentelemetry.HedgeTracing;
import dev.redundant.opentelemetry.TracedHedge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The goal ratios measured in pairs, to cancel the drift of a noisy machine: in one JVM, batches of
 * {@link Callers#BATCH} operations of the library (A) and of its baseline (B) alternate (ABBA order), from
 * the same caller type, and each round gives one ratio A/B. Reports the median ratio and its
 * interquartile range over the rounds, after a warm-up of the same alternation. The operations are those
 * of {@link RaceBenchmark}. On this kind of machine (2 shared vCPUs), one JMH run's ratio can be off by
 * 2x either way: judge the goals by these medians, and read JMH for absolute times and bytes per call.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.PairedRatios [rounds] [warmupSeconds] [callers] [pairs]
 *   callers: platform,virtual (default both); pairs: a regex over fs2_invokeAny, fs1_vtStartJoin,
 *   hedged_fs1, adaptive_budget_fs1, routed_hedged, listener_hedged, metrics_hedged, tracing_hedged, tracing_noop_hedged,
 *   fs2_cfAnyOf, stage_orTimeout, stageLater_orTimeoutLater (default all)
 * </pre>
 */
public final class PairedRatios {

  /** One operation on input {@code in}; returns the value to sink. */
  @FunctionalInterface
  interface Op {
    Object run(int in) throws Exception;
  }

  private record Pair(String key, String label, Op a, Op b) {}

  private static volatile int sink;
  private static int next;

  private PairedRatios() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int warmupSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    List<String> callers = List.of((args.length > 2 ? args[2] : "platform,virtual").split(","));
    String pairFilter = args.length > 3 ? args[3] : ".*";
    System.out.printf(Locale.ROOT, "PairedRatios: %d rounds of %d + %d operations per pair and caller type,"
            + " after %d s of warm-up; java %s, %d cpus%n", rounds, Callers.BATCH, Callers.BATCH,
        warmupSeconds, Runtime.version(), Runtime.getRuntime().availableProcessors());
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Hedge<Integer> hedged = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).build();
      dev.redundant.Replicas<Integer> replicas = dev.redundant.Replicas.of(0, 1, 2);
      Hedge<Integer> routed = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
          .replicas(replicas).build();
      // The closed loop on the fast path: every first attempt wins, is recorded, and funds the budget.
      Hedge<Integer> adaptive = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
          .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05)).budget(HedgeBudget.builder().build()).build();
      // Observability bound to the same policy as 'hedged': Micrometer meters (listener + statistics
      // gauges on a SimpleMeterRegistry), and OpenTelemetry spans (the SDK, every span sampled and handed to
      // an exporter that drops it, so the cost is the spans' own).
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      HedgeMetrics metrics = new HedgeMetrics(registry, "bench");
      Hedge<Integer> metered = metrics.bind(Hedge.<Integer>builder().maxAttempts(2)
          .delay(Duration.ofSeconds(1)).listener(metrics).build());
      SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(new DroppingExporter())).build();
      HedgeTracing tracing = HedgeTracing.create(
          OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build(), "bench");
      TracedHedge<Integer> traced = tracing.traced(Hedge.<Integer>builder().maxAttempts(2)
          .delay(Duration.ofSeconds(1)).listener(tracing).build());
      // The binding's own bookkeeping, with the API's no-op tracer (an application without the SDK).
      HedgeTracing noopTracing = HedgeTracing.create(OpenTelemetry.noop(), "bench");
      TracedHedge<Integer> noopTraced = noopTracing.traced(Hedge.<Integer>builder().maxAttempts(2)
          .delay(Duration.ofSeconds(1)).listener(noopTracing).build());
      // What any listener costs the engine (its events), whatever the listener does: the floor of metrics_hedged.
      Hedge<Integer> listened = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
          .listener(new HedgeListener() {}).build();
      Op firstSuccess1 = in -> Redundant.firstSuccess(1, () -> in * 31);
      Op hedgedFirstWins = in -> hedged.call(attempt -> in * 31 + attempt.index());
      Op firstSuccess2 = in -> Redundant.firstSuccess(2, () -> in * 31);
      int[] out = new int[1];
      List<Pair> pairs = List.of(
          new Pair("fs2_invokeAny", "firstSuccess(2) / invokeAny(2)", firstSuccess2,
              in -> executor.invokeAny(List.<Callable<Integer>>of(() -> in * 31, () -> in * 31 + 1))),
          new Pair("fs1_vtStartJoin", "firstSuccess(1) / virtual thread start+join", firstSuccess1, in -> {
            Thread t = Thread.startVirtualThread(() -> out[0] = in * 31);
            t.join();
            return out[0];
          }),
          new Pair("hedged_fs1", "hedged, first wins / firstSuccess(1)",
              in -> hedged.call(attempt -> in * 31 + attempt.index()), firstSuccess1),
          new Pair("adaptive_budget_fs1", "hedged adaptive+budget, first wins / firstSuccess(1)",
              in -> adaptive.call(attempt -> in * 31 + attempt.index()), firstSuccess1),
          new Pair("routed_hedged", "hedged+routed over 3 replicas, first wins / hedged",
              in -> routed.call(attempt -> in * 31 + replicas.get(attempt)), hedgedFirstWins),
          new Pair("listener_hedged", "hedged+empty listener, first wins / hedged",
              in -> listened.call(attempt -> in * 31 + attempt.index()), hedgedFirstWins),
          new Pair("metrics_hedged", "hedged+metrics, first wins / hedged",
              in -> metered.call(attempt -> in * 31 + attempt.index()), hedgedFirstWins),
          new Pair("tracing_hedged", "hedged+tracing (SDK), first wins / hedged",
              in -> traced.call(attempt -> in * 31 + attempt.index()), hedgedFirstWins),
          new Pair("tracing_noop_hedged", "hedged+tracing (API only, no SDK) / hedged",
              in -> noopTraced.call(attempt -> in * 31 + attempt.index()), hedgedFirstWins),
          new Pair("fs2_cfAnyOf", "firstSuccess(2) / CompletableFuture anyOf(2)", firstSuccess2, in -> {
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> in * 31, executor);
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> in * 31 + 1, executor);
            Object winner = CompletableFuture.anyOf(a, b).join();
            a.cancel(true);
            b.cancel(true);
            return winner;
          }),
          // A staged hedged call whose first attempt wins / the task's future with orTimeout (StageBenchmark).
          new Pair("stage_orTimeout", "callStage, first wins at once / orTimeout",
              in -> StageBenchmark.stageAtOnce(hedged, in), StageBenchmark::orTimeoutAtOnce),
          new Pair("stageLater_orTimeoutLater", "callStage, first wins later / orTimeout",
              in -> StageBenchmark.stageLater(hedged, in), StageBenchmark::orTimeoutLater));
      for (String caller : callers) {
        boolean virtual = Callers.isVirtual(caller);
        for (Pair pair : pairs) {
          if (!pair.key.matches(pairFilter)) {
            continue;
          }
          measure(pair, caller, virtual, rounds, warmupSeconds);
        }
      }
      tracerProvider.close();
    }
  }

  /** Takes every span and drops it: what tracing costs the call, without an exporter's I/O. */
  private static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      sink += spans.size();
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static void measure(Pair pair, String caller, boolean virtual, int rounds, int warmupSeconds)
      throws Exception {
    long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
    while (System.nanoTime() < warmupEnd) {
      batch(pair.a, virtual);
      batch(pair.b, virtual);
    }
    double[] ratios = new double[rounds];
    double[] aNs = new double[rounds];
    double[] bNs = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long a;
      long b;
      if ((r & 1) == 0) {
        a = batch(pair.a, virtual);
        b = batch(pair.b, virtual);
      } else {
        b = batch(pair.b, virtual);
        a = batch(pair.a, virtual);
      }
      aNs[r] = a / (double) Callers.BATCH;
      bNs[r] = b / (double) Callers.BATCH;
      ratios[r] = a / (double) b;
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median = quantile(sorted, 0.5);
    double p25 = quantile(sorted, 0.25);
    double p75 = quantile(sorted, 0.75);
    double aMedian = quantile(sortedCopy(aNs), 0.5);
    double bMedian = quantile(sortedCopy(bNs), 0.5);
    System.out.printf(Locale.ROOT, "caller=%-8s %-46s median %.2fx  (IQR %.2f-%.2f)  A %,.0f ns/op  B %,.0f"
        + " ns/op (medians)%n", caller, pair.label, median, p25, p75, aMedian, bMedian);
    String k = "paired." + pair.key + "." + caller;
    System.out.printf(Locale.ROOT, "RESULT %1$s.median=%2$.3f %1$s.p25=%3$.3f %1$s.p75=%4$.3f %1$s.aNs=%5$.0f"
        + " %1$s.bNs=%6$.0f%n", k, median, p25, p75, aMedian, bMedian);
  }

  /** Runs one batch of {@code op} from the caller type; returns the elapsed nanoseconds. */
  private static long batch(Op op, boolean virtual) throws Exception {
    long start = System.nanoTime();
    Callers.run(virtual, () -> {
      int acc = 0;
      for (int i = 0; i < Callers.BATCH; i++) {
        acc += op.run(next++).hashCode();
      }
      sink = acc;
    });
    return System.nanoTime() - start;
  }

  private static double[] sortedCopy(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  /** The {@code q} quantile of sorted values, interpolated; shared with {@link AdaptiveThroughput}. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
