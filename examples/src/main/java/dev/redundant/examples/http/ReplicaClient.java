package dev.redundant.examples.http;

import dev.redundant.Attempt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one attempt of a call to the replica the library chose for it ({@link Attempt#replicaIndex()}, for
 * a policy that routes over {@code Replicas} of these URIs), else to the one its {@link Attempt#index()}
 * picks ({@code replicas.get(index % size)}), with the JDK {@link HttpClient} over HTTP/1.1, and tags it:
 * {@value #CALL_ID} (the call), {@value #ATTEMPT} (the attempt's index) and, for hedges only,
 * {@value #HEDGE}{@code : true}, so that servers could give hedges a lower priority.
 *
 * <p>The request is a {@code POST} of an idempotent query. POST also keeps the JDK client from silently
 * re-sending the request when a connection is reset before the response (it does so for GET), so each
 * attempt is exactly one request in the servers' journals.
 *
 * <p><b>Cancellation:</b> {@link HttpClient#send} answers an interrupt of the attempt's thread (the
 * library's way of cancelling a loser) with {@link InterruptedException} and cancels the exchange: over
 * HTTP/1.1 it closes the connection, so a loser's response body is never read. {@link #sendAsync} does the
 * same without a thread: the library cancels a loser's future, which aborts its exchange.
 *
 * <p>Thread-safe; close it to close the HTTP client.
 */
public final class ReplicaClient implements AutoCloseable {
  /** Header naming the call an attempt belongs to. */
  public static final String CALL_ID = "X-Call-Id";
  /** Header holding the attempt's index. */
  public static final String ATTEMPT = "X-Attempt";
  /** Header present, with value {@code true}, on hedges only. */
  public static final String HEDGE = "X-Hedge";

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private final List<URI> replicas;
  private final boolean randomPrimary;

  /**
   * Creates a client for the replicas.
   *
   * @param replicas the replicas' base addresses ({@code http://host:port}), at least one
   * @throws IllegalArgumentException if {@code replicas} is empty
   * @throws NullPointerException if {@code replicas} or an element is null
   */
  public ReplicaClient(List<URI> replicas) {
    this(replicas, false);
  }

  /**
   * Creates a client whose attempts, when the policy does not route, start at a replica drawn per call.
   *
   * @param replicas the replicas' base URIs
   * @param randomPrimary whether attempt {@code i} of a call goes to {@code (primary + i) mod size}, the
   *     primary drawn from the call's id (blind routing that spreads first attempts), instead of to
   *     {@code i mod size}
   */
  public ReplicaClient(List<URI> replicas, boolean randomPrimary) {
    this.replicas = List.copyOf(replicas);
    if (this.replicas.isEmpty()) {
      throw new IllegalArgumentException("replicas must hold at least one address");
    }
    this.randomPrimary = randomPrimary;
  }

  /**
   * Sends one attempt.
   *
   * @param attempt the attempt, which picks the replica and the tags
   * @param callId the call's id, sent as {@value #CALL_ID}
   * @param query the request body
   * @return the response, a 2xx or a 5xx (a 503 is a value for {@code rejectIf} to reject)
   * @throws ClientErrorException on a 4xx
   * @throws IOException if the exchange fails (a connection reset)
   * @throws InterruptedException if the attempt's thread is interrupted: the exchange is then cancelled
   */
  public HttpResponse<String> send(Attempt attempt, String callId, String query)
      throws IOException, InterruptedException {
    return checked(http.send(request(attempt, callId, query), HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * Sends one attempt without blocking, with {@link HttpClient#sendAsync}: for {@code hedge.callStage}.
   * The returned future is the exchange's own, wrapped only to fail a 4xx with {@link
   * ClientErrorException}: its {@code cancel(true)}, which the library calls on a loser, is handed to the
   * exchange's future, which aborts the exchange (over HTTP/1.1 it closes the connection, so the loser's
   * response body is never read). A future from {@code thenApply} would not do: cancelling it leaves the
   * exchange it depends on running.
   *
   * @param attempt the attempt, which picks the replica and the tags
   * @param callId the call's id, sent as {@value #CALL_ID}
   * @param query the request body
   * @return the response's future: a 2xx or a 5xx; a {@link ClientErrorException} on a 4xx; an {@link
   *     IOException} if the exchange fails
   */
  public CompletableFuture<HttpResponse<String>> sendAsync(Attempt attempt, String callId, String query) {
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(request(attempt, callId, query), HttpResponse.BodyHandlers.ofString());
    Abortable<HttpResponse<String>> result = new Abortable<>(exchange);
    exchange.whenComplete((response, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
        return;
      }
      try {
        result.complete(checked(response));
      } catch (ClientErrorException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private HttpRequest request(Attempt attempt, String callId, String query) {
    Objects.requireNonNull(attempt, "attempt");
    // The replica the library chose, for a policy that routes over Replicas of these URIs; else by index.
    int primary = randomPrimary ? Math.floorMod(Objects.requireNonNull(callId, "callId").hashCode() * 0x9E3779B9,
        replicas.size()) : 0;
    int index = attempt.replicaIndex() >= 0 ? attempt.replicaIndex() : primary + attempt.index();
    URI replica = replicas.get(index % replicas.size());
    HttpRequest.Builder request = HttpRequest.newBuilder(replica.resolve(WireMockReplicas.PATH))
        .timeout(Duration.ofSeconds(30))
        .header(CALL_ID, Objects.requireNonNull(callId, "callId"))
        .header(ATTEMPT, Integer.toString(attempt.index()))
        .POST(HttpRequest.BodyPublishers.ofString(Objects.requireNonNull(query, "query")));
    if (attempt.isHedge()) {
      request.header(HEDGE, "true");
    }
    return request.build();
  }

  private static HttpResponse<String> checked(HttpResponse<String> response) throws ClientErrorException {
    if (response.statusCode() >= 400 && response.statusCode() < 500) {
      throw new ClientErrorException(response.statusCode(), response.body());
    }
    return response;
  }

  /** A future that completes as its exchange says and hands its {@code cancel} to that exchange. */
  private static final class Abortable<T> extends CompletableFuture<T> {
    private final CompletableFuture<?> exchange;

    Abortable(CompletableFuture<?> exchange) {
      this.exchange = exchange;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      exchange.cancel(mayInterruptIfRunning); // aborts the exchange
      return super.cancel(mayInterruptIfRunning);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
