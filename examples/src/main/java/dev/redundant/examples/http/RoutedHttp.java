package dev.redundant.examples.http;

import dev.redundant.Hedge;
import dev.redundant.Replicas;
import dev.redundant.examples.support.LoadOptions;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Hedged HTTP routed across replicas: three WireMock replicas on 127.0.0.1, the third degraded (its fast
 * answers 5x slower), called by the same hedging policy twice: routed blind, attempt {@code i} to
 * replica {@code (primary + i) mod 3} with the primary drawn per call, as users write it by hand, then
 * with {@code replicas(Replicas.of(uris))}, the
 * library choosing each attempt's replica. Prints success, latency and requests per call, and how many
 * requests each server's journal holds.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.http.RoutedHttp
 * </pre>
 */
public final class RoutedHttp {
  private RoutedHttp() {}

  /** The degraded replica: the seed tool's profile with its fast answers (0.5-1.0 s) 5x slower. */
  static ReplicaProfile degraded(double timeScale) {
    return new ReplicaProfile(0.2, 0.5, 0.1, Duration.ofMillis(2500), Duration.ofMillis(5000),
        Duration.ofMillis(5000), Duration.ofMillis(7000), timeScale);
  }

  /**
   * The policy of both runs: {@link HedgedHttp}'s (at most 5 attempts, a hedge after 1 s of the tool's time,
   * the next attempt at once on a failure, its classification); with {@code replicas} non-null, routed.
   * A fixed delay, so that both runs hedge by the same rule and differ only in where attempts go.
   */
  static Hedge<HttpResponse<String>> policy(double timeScale, Replicas<URI> replicas) {
    Duration delay = Duration.ofNanos(Math.round(1e9 * timeScale));
    return HedgedHttp.classified(Hedge.<HttpResponse<String>>builder().maxAttempts(5).delay(delay)
        .replicas(replicas)).build();
  }

  /**
   * Runs the comparison.
   *
   * @param args {@code --calls N} (default 2000), {@code --time-scale X} (default 0.5),
   *     {@code --concurrency C} (default 50), {@code --seed S} (default 42)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    LoadOptions options = LoadOptions.parse(args, "--calls", 2000, 0.5, 50);
    double scale = options.timeScale();
    ReplicaProfile healthy = ReplicaProfile.seedTool(scale);
    try (WireMockReplicas servers = new WireMockReplicas(options.seed(), healthy, healthy, degraded(scale))) {
      List<URI> uris = IntStream.range(0, servers.size()).mapToObj(servers::uri).toList();
      try (ReplicaClient client = new ReplicaClient(uris, true)) {
        System.err.printf("3 WireMock replicas on 127.0.0.1 (replica 2 degraded), %d calls per policy, %d at a"
            + " time, time scale %s%n", options.count(), options.concurrency(), scale);
        System.out.println("| routing | success | p50 | p99 | requests/call | requests per replica 0 / 1 / 2 |");
        System.out.println("|:--|--:|--:|--:|--:|--:|");
        for (boolean routed : new boolean[] {false, true}) {
          Replicas<URI> replicas = routed ? Replicas.of(uris) : null;
          Hedge<HttpResponse<String>> policy = policy(scale, replicas);
          // Warm-up on the same policy: routed, its replicas are observed.
          HttpLoad.run("warm-up", policy, client, servers, Math.min(options.count(), 300), options.concurrency());
          servers.resetJournal();
          HttpLoad.Result r = HttpLoad.run(routed ? "routed" : "blind", policy, client, servers, options.count(),
              options.concurrency());
          System.out.printf("| %s | %.2f%% | %.2f s | %.2f s | %.3f | %d / %d / %d |%n",
              routed ? "`replicas(...)`, the library's" : "blind, attempt i to (primary + i) mod 3", 100 * r.success(),
              options.toolSeconds(r.latency().percentileNanos(50)), options.toolSeconds(r.latency().percentileNanos(99)),
              r.meanRequestsPerCall(), servers.requests(0), servers.requests(1), servers.requests(2));
          if (replicas != null) {
            for (Replicas.ReplicaStatistics s : replicas.statistics()) {
              System.err.printf("  replica %d: %d attempts, %d wins, %d failures, latency %s%n", s.index(),
                  s.attempts(), s.wins(), s.failures(), s.latency());
            }
          }
        }
        System.out.println("Latencies in the tool's seconds (measured / time scale), failed calls included.");
      }
    }
  }
}
