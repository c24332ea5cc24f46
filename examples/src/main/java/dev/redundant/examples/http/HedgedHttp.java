package dev.redundant.examples.http;

import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import dev.redundant.examples.support.LoadOptions;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Hedged HTTP against real servers: the JDK {@link java.net.http.HttpClient} calls 3 WireMock replicas on
 * 127.0.0.1 that play the seed notebook's tool (20% connection resets or 503s, 10% slow 5-7 s, 70% fast
 * 0.5-1.0 s, time-scaled), once without hedging and once with a hedging policy (max 5 attempts, a hedge
 * after 1 s, the next attempt at once on a failure; a 503 rejected with {@code rejectIf}, a 4xx fatal with
 * {@code fatalIf}). Prints success and latency measured on the client and requests per call counted in the
 * servers' request journals.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.http.HedgedHttp
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.http.HedgedHttp \
 *     -Dexec.args="--calls 20000 --seed 42"
 * </pre>
 */
public final class HedgedHttp {
  private HedgedHttp() {}

  /**
   * The policy without hedging: one attempt, with the same classification as {@link #hedged}.
   *
   * @return the policy
   */
  static Hedge<HttpResponse<String>> single() {
    return classified(Hedge.<HttpResponse<String>>builder().maxAttempts(1)).build();
  }

  /**
   * The hedging policy: at most 5 attempts, a hedge after 1 s of the tool's time (scaled), the next attempt
   * at once when one fails.
   *
   * @param timeScale the replicas' time scale, in (0, 1]
   * @return the policy
   */
  static Hedge<HttpResponse<String>> hedged(double timeScale) {
    Duration delay = Duration.ofNanos(Math.round(1e9 * timeScale));
    return classified(Hedge.<HttpResponse<String>>builder().maxAttempts(5).delay(delay)).build();
  }

  static dev.redundant.HedgeBuilder<HttpResponse<String>> classified(
      dev.redundant.HedgeBuilder<HttpResponse<String>> builder) {
    return builder
        .rejectIf(response -> response.statusCode() == 503) // overloaded replica: try another
        .fatalIf(ClientErrorException.class::isInstance); // a bad request stays bad: stop at once
  }

  /**
   * Runs the comparison; {@code --help} lists the options.
   *
   * @param args {@code --calls N} (default 2000), {@code --time-scale X} (default 0.5),
   *     {@code --concurrency C} (default 50), {@code --seed S} (default 42)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    LoadOptions options = LoadOptions.parse(args, "--calls", 2000, 0.5, 50);
    double scale = options.timeScale();
    int calls = options.count();
    ReplicaProfile profile = ReplicaProfile.seedTool(scale);
    try (WireMockReplicas replicas = new WireMockReplicas(options.seed(), profile, profile, profile);
        ReplicaClient client =
            new ReplicaClient(IntStream.range(0, replicas.size()).mapToObj(replicas::uri).toList())) {
      System.err.printf("3 WireMock replicas on 127.0.0.1, ports %d %d %d; %d calls per policy, %d at a time,"
          + " time scale %s%n", replicas.port(0), replicas.port(1), replicas.port(2), calls, options.concurrency(),
          scale);
      HttpLoad.run("warm-up", hedged(scale), client, replicas, Math.min(calls, 500), options.concurrency());
      List<HttpLoad.Result> results = List.of(
          HttpLoad.run("single call", single(), client, replicas, calls, options.concurrency()),
          HttpLoad.run("hedged: max 5, delay 1.0 s", hedged(scale), client, replicas, calls, options.concurrency()));
      System.out.println("| policy | success | p50 | p90 | p99 | requests/call (server journals) | hedges tagged |");
      System.out.println("|:--|--:|--:|--:|--:|--:|--:|");
      for (HttpLoad.Result r : results) {
        System.out.printf("| %s | %.2f%% | %.2f s | %.2f s | %.2f s | %.3f | %d |%n", r.name(), 100 * r.success(),
            options.toolSeconds(r.latency().percentileNanos(50)), options.toolSeconds(r.latency().percentileNanos(90)),
            options.toolSeconds(r.latency().percentileNanos(99)), r.meanRequestsPerCall(), r.hedgeRequests());
      }
      System.out.println("Latencies in the tool's seconds (measured / time scale), failed calls included.");
      replicas.resetJournal();
      try {
        hedged(scale).call(attempt -> client.send(attempt, "bad-request", "an invalid query"));
      } catch (FatalFailureException e) {
        System.out.printf("A 400 is fatal: %s after %d attempt(s) (server journals: %d request(s))%n",
            e.getClass().getSimpleName(), e.attempts().size(), replicas.journal().size());
      }
    }
  }
}
