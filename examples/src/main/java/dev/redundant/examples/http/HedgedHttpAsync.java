package dev.redundant.examples.http;

import dev.redundant.Hedge;
import dev.redundant.examples.support.LoadOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The async twin of {@link HedgedHttp}: the same 3 WireMock replicas playing the seed profile, the same
 * policy (max 5 attempts, a hedge after 1 s scaled, a 503 rejected, a 4xx fatal), but each attempt is
 * {@link java.net.http.HttpClient#sendAsync} started by {@code hedge.callStage}, and the calls are
 * started from one thread, 50 in flight at a time. Prints, beside the blocking version run in the same
 * process: success, latency and requests per call, the attempt threads each started and the peak of
 * platform threads; then a losing exchange, seen at the socket through a {@link LoopbackTap}: aborted,
 * its connection closed by the client before any response byte.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.http.HedgedHttpAsync
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.http.HedgedHttpAsync \
 *     -Dexec.args="--calls 20000 --seed 42"
 * </pre>
 */
public final class HedgedHttpAsync {
  private HedgedHttpAsync() {}

  /** What a run's threads were: attempt threads started, and the peak of live platform threads. */
  record Threads(long attemptThreads, int peakPlatformThreads) {}

  /**
   * The blocking policy of {@link HedgedHttp#hedged}, each attempt on a new virtual thread from a factory
   * that counts them.
   */
  static Hedge<HttpResponse<String>> countingHedged(double timeScale, AtomicLong attemptThreads) {
    ThreadFactory virtual = Thread.ofVirtual().factory();
    Duration delay = Duration.ofNanos(Math.round(1e9 * timeScale));
    return HedgedHttp.classified(Hedge.<HttpResponse<String>>builder().maxAttempts(5).delay(delay)
        .threadFactory(task -> {
          attemptThreads.incrementAndGet();
          return virtual.newThread(task);
        })).build();
  }

  /** A run whose threads were counted. */
  @FunctionalInterface
  interface Run {
    HttpLoad.Result run(AtomicLong attemptThreads) throws InterruptedException;
  }

  private static HttpLoad.Result counted(Run run, List<Threads> into) throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    mx.resetPeakThreadCount();
    AtomicLong attemptThreads = new AtomicLong();
    HttpLoad.Result result = run.run(attemptThreads);
    into.add(new Threads(attemptThreads.get(), mx.getPeakThreadCount()));
    return result;
  }

  /**
   * Runs the comparison and the losing exchange; {@code --help} lists the options.
   *
   * @param args {@code --calls N} (default 2000), {@code --time-scale X} (default 0.5),
   *     {@code --concurrency C} (default 50), {@code --seed S} (default 42)
   * @throws Exception if a replica or the tap cannot start, or if interrupted
   */
  public static void main(String[] args) throws Exception {
    LoadOptions options = LoadOptions.parse(args, "--calls", 2000, 0.5, 50);
    double scale = options.timeScale();
    int calls = options.count();
    int concurrency = options.concurrency();
    ReplicaProfile profile = ReplicaProfile.seedTool(scale);
    try (WireMockReplicas replicas = new WireMockReplicas(options.seed(), profile, profile, profile);
        ReplicaClient client =
            new ReplicaClient(IntStream.range(0, replicas.size()).mapToObj(replicas::uri).toList())) {
      System.err.printf("3 WireMock replicas on 127.0.0.1, ports %d %d %d; %d calls per policy, %d in flight,"
          + " time scale %s%n", replicas.port(0), replicas.port(1), replicas.port(2), calls, concurrency, scale);
      int warmUp = Math.min(calls, 500);
      HttpLoad.run("warm-up", HedgedHttp.hedged(scale), client, replicas, warmUp, concurrency);
      HttpLoad.runAsync("warm-up-async", HedgedHttp.hedged(scale), client, replicas, warmUp, concurrency);

      List<Threads> threads = new java.util.ArrayList<>();
      List<HttpLoad.Result> results = List.of(
          counted(n -> HttpLoad.run("blocking: call + send", countingHedged(scale, n), client, replicas, calls,
              concurrency), threads),
          counted(n -> HttpLoad.runAsync("async: callStage + sendAsync", HedgedHttp.hedged(scale), client,
              replicas, calls, concurrency), threads));
      System.out.println("| hedged, max 5, delay 1.0 s | success | p50 | p99 | requests/call (server journals)"
          + " | attempt threads started | caller threads | peak platform threads |");
      System.out.println("|:--|--:|--:|--:|--:|--:|--:|--:|");
      for (int i = 0; i < results.size(); i++) {
        HttpLoad.Result r = results.get(i);
        Threads t = threads.get(i);
        System.out.printf("| %s | %.2f%% | %.2f s | %.2f s | %.3f | %d | %s | %d |%n", r.name(), 100 * r.success(),
            options.toolSeconds(r.latency().percentileNanos(50)), options.toolSeconds(r.latency().percentileNanos(99)),
            r.meanRequestsPerCall(), t.attemptThreads(), i == 0 ? concurrency + " (virtual)" : "1",
            t.peakPlatformThreads());
      }
      System.out.println("Latencies in the tool's seconds (measured / time scale), failed calls included. The"
          + " blocking version runs every attempt on a thread of its own (counted with the policy's thread"
          + " factory) and parks a caller per call in flight; the async version starts attempts on the thread"
          + " at hand (the caller's, the call's clock watcher, or the HTTP client's that completed a failure):"
          + " its only threads are one virtual clock watcher per call in flight. Platform threads are the JVM's,"
          + " the in-process WireMock servers' (Jetty) and the HTTP client's own: the same in both.");
    }
    showALosingExchangeAborted();
  }

  /** A replica that never answers, behind a tap, and a fast one: the hedge wins and the loser is aborted. */
  private static void showALosingExchangeAborted() throws Exception {
    try (WireMockReplicas replicas = new WireMockReplicas(1, ReplicaProfile.always(Duration.ofSeconds(30)),
            ReplicaProfile.always(Duration.ZERO));
        LoopbackTap tap = new LoopbackTap(replicas.port(0));
        ReplicaClient client = new ReplicaClient(List.of(tap.uri(), replicas.uri(1)))) {
      Hedge<HttpResponse<String>> policy = Hedge.<HttpResponse<String>>builder().maxAttempts(2)
          .delay(Duration.ofMillis(20)).build();
      HttpResponse<String> response = policy.callStage(attempt -> client.sendAsync(attempt, "loser-demo", "weather"))
          .get(30, TimeUnit.SECONDS);
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!(tap.connections().size() == 1 && tap.connections().getFirst().closedByClient())
          && System.nanoTime() - giveUp < 0) {
        Thread.sleep(10); // a demo waiting for the tap to see the close, not a measurement
      }
      LoopbackTap.Connection loser = tap.connections().getFirst();
      System.out.printf("Losing exchange (replica 0 never answers; the hedge to replica 1 answered \"%s\"):"
          + " connection closed by the client: %s, request bytes sent: %d, response bytes received when it"
          + " closed: %d (no response body read)%n", response.body(), loser.closedByClient(), loser.requestBytes(),
          loser.responseBytesWhenClientClosed());
    }
  }
}
