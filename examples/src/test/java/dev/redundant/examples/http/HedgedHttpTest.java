package dev.redundant.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hedged HTTP example against WireMock replicas on 127.0.0.1 (loopback only, a few seconds). */
class HedgedHttpTest {
  private static final double TIME_SCALE = 0.02; // the tool's 5-7 s become 100-140 ms
  private static final Duration LONG = Duration.ofSeconds(30);

  @Test
  void hedgingRaisesSuccessAndTheServersSeeOnlyThePolicysRequests() throws Exception {
    ReplicaProfile seedTool = ReplicaProfile.seedTool(TIME_SCALE);
    try (WireMockReplicas replicas = new WireMockReplicas(7, seedTool, seedTool, seedTool);
        ReplicaClient client = new ReplicaClient(uris(replicas))) {
      HttpLoad.Result single = HttpLoad.run("single", HedgedHttp.single(), client, replicas, 400, 20);
      HttpLoad.Result hedged = HttpLoad.run("hedged", HedgedHttp.hedged(TIME_SCALE), client, replicas, 400, 20);

      // 80% in theory; 400 calls put 6 standard deviations within these bounds
      assertThat(single.success()).isBetween(0.68, 0.92);
      // exactly one request per call reached a server: no hidden retry by the HTTP client
      assertThat(single.requestsPerCall()).containsOnly(1);
      assertThat(single.hedgeRequests()).isZero();

      // 1 - 0.2^5 = 99.97% in theory
      assertThat(hedged.success()).isGreaterThanOrEqualTo(0.99);
      assertThat(Arrays.stream(hedged.requestsPerCall()).min().orElseThrow()).isGreaterThanOrEqualTo(1);
      assertThat(Arrays.stream(hedged.requestsPerCall()).max().orElseThrow()).isLessThanOrEqualTo(5);
      assertThat(hedged.meanRequestsPerCall()).isGreaterThan(1.1); // failures and slow calls start more
      assertThat(hedged.hedgeRequests()).isPositive(); // slow first attempts (100-140 ms) outlast 20 ms
    }
  }

  @Test
  void a400IsFatalAfterOneRequest() throws Exception {
    try (WireMockReplicas replicas = new WireMockReplicas(1, fast(), fast(), fast());
        ReplicaClient client = new ReplicaClient(uris(replicas))) {
      Hedge<HttpResponse<String>> policy = noHedgeBeforeLong();

      assertThatThrownBy(() -> policy.call(attempt -> client.send(attempt, "call-400", "an invalid query")))
          .isInstanceOf(FatalFailureException.class)
          .cause().isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
      assertThat(replicas.journal()).hasSize(1);
    }
  }

  @Test
  void a503IsRejectedAndTheNextAttemptGoesToTheNextReplicaAtOnce() throws Exception {
    ReplicaProfile always503 = new ReplicaProfile(1, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ZERO, 1);
    try (WireMockReplicas replicas = new WireMockReplicas(1, always503, fast());
        ReplicaClient client = new ReplicaClient(uris(replicas))) {
      HttpResponse<String> response =
          noHedgeBeforeLong().call(attempt -> client.send(attempt, "call-503", "weather"));

      assertThat(response.body()).isEqualTo("answer from replica-1");
      List<ServeEvent> journal = replicas.journal();
      assertThat(journal).hasSize(2);
      // the second request was a failover, not a hedge: no hedge tag
      assertThat(journal).noneMatch(e -> e.getRequest().containsHeader(ReplicaClient.HEDGE));
    }
  }

  @ParameterizedTest(name = "virtual caller: {0}")
  @ValueSource(booleans = {false, true})
  void aLosingExchangeIsInterruptedInSendCancelledAndItsBodyNeverRead(boolean virtualCaller) throws Exception {
    try (WireMockReplicas replicas = new WireMockReplicas(1, ReplicaProfile.always(LONG), fast());
        LoopbackTap tap = new LoopbackTap(replicas.port(0));
        ReplicaClient client = new ReplicaClient(List.of(tap.uri(), replicas.uri(1)))) {
      CountDownLatch loserInterruptedInSend = new CountDownLatch(1);
      Hedge<HttpResponse<String>> policy = Hedge.<HttpResponse<String>>builder()
          .maxAttempts(2).delay(Duration.ofMillis(20)).build();

      HttpResponse<String> response = callOn(virtualCaller, () -> policy.call(attempt -> {
        try {
          return client.send(attempt, "call-loser", "weather");
        } catch (InterruptedException e) {
          if (attempt.index() == 0) {
            loserInterruptedInSend.countDown(); // thrown by HttpClient.send itself
          }
          throw e;
        }
      }));

      assertThat(response.body()).isEqualTo("answer from replica-1");
      assertThat(loserInterruptedInSend.await(10, TimeUnit.SECONDS)).isTrue();
      // the loser's request reached its server, and the winner was tagged as a hedge
      await().atMost(Duration.ofSeconds(10)).until(() -> replicas.journal().size() == 2);
      assertThat(replicas.journal()).anySatisfy(e -> {
        assertThat(e.getRequest().getHeader(ReplicaClient.ATTEMPT)).isEqualTo("1");
        assertThat(e.getRequest().getHeader(ReplicaClient.HEDGE)).isEqualTo("true");
      });
      assertTheLosersConnectionClosedBeforeAnyResponseByte(tap);
    }
  }

  @Test
  void aLosingAsyncExchangeIsAbortedByCancellingItsFutureItsConnectionClosedAndItsBodyNeverRead()
      throws Exception {
    try (WireMockReplicas replicas = new WireMockReplicas(1, ReplicaProfile.always(LONG), fast());
        LoopbackTap tap = new LoopbackTap(replicas.port(0));
        ReplicaClient client = new ReplicaClient(List.of(tap.uri(), replicas.uri(1)))) {
      List<CompletableFuture<HttpResponse<String>>> exchanges = new java.util.concurrent.CopyOnWriteArrayList<>();
      Hedge<HttpResponse<String>> policy = Hedge.<HttpResponse<String>>builder()
          .maxAttempts(2).delay(Duration.ofMillis(20)).build();

      HttpResponse<String> response = policy.callStage(attempt -> {
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(attempt, "call-async-loser", "weather");
        exchanges.add(exchange);
        return exchange;
      }).get(LONG.toSeconds(), TimeUnit.SECONDS);

      assertThat(response.body()).isEqualTo("answer from replica-1");
      assertThat(exchanges).hasSize(2);
      assertThat(exchanges.getFirst()).isCancelled(); // the library cancelled the loser's future
      await().atMost(Duration.ofSeconds(10)).until(() -> replicas.journal().size() == 2);
      assertTheLosersConnectionClosedBeforeAnyResponseByte(tap);
    }
  }

  private static void assertTheLosersConnectionClosedBeforeAnyResponseByte(LoopbackTap tap) {
    await().atMost(Duration.ofSeconds(10)).until(
        () -> tap.connections().size() == 1 && tap.connections().getFirst().closedByClient());
    LoopbackTap.Connection loser = tap.connections().getFirst();
    assertThat(loser.requestBytes()).isPositive();
    assertThat(loser.responseBytesWhenClientClosed()).isZero();
  }

  private static Hedge<HttpResponse<String>> noHedgeBeforeLong() {
    // the same classification as the example's policies; a hedge delay no test run can reach
    return Hedge.<HttpResponse<String>>builder()
        .maxAttempts(5)
        .delay(LONG)
        .rejectIf(response -> response.statusCode() == 503)
        .fatalIf(ClientErrorException.class::isInstance)
        .build();
  }

  private static ReplicaProfile fast() {
    return ReplicaProfile.always(Duration.ZERO);
  }

  private static List<URI> uris(WireMockReplicas replicas) {
    return IntStream.range(0, replicas.size()).mapToObj(replicas::uri).toList();
  }

  private static <V> V callOn(boolean virtual, Callable<V> body) throws Exception {
    CompletableFuture<V> result = new CompletableFuture<>();
    Runnable run = () -> {
      try {
        result.complete(body.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    };
    Thread thread = virtual ? Thread.ofVirtual().start(run) : Thread.ofPlatform().start(run);
    thread.join();
    return result.join();
  }
}
