package dev.redundant.examples.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * WireMock servers on 127.0.0.1 (one per {@link ReplicaProfile}, on free ports) that serve
 * {@code POST /tool}: 200 with the replica's name, or what the profile draws; a body containing
 * {@code "invalid"} gets a 400. HTTP/1.1 only (h2c disabled): over HTTP/2 one connection-reset fault would
 * kill every stream sharing the connection.
 *
 * <p>Close it to stop every server. Thread-safe.
 */
public final class WireMockReplicas implements AutoCloseable {
  /** The path every replica serves. */
  public static final String PATH = "/tool";

  private final List<WireMockServer> servers = new ArrayList<>();

  /**
   * Starts one replica per profile.
   *
   * @param seed seeds each replica's draws (replica {@code i} uses {@code seed + i})
   * @param profiles one per replica, at least one
   * @throws IllegalArgumentException if no profile is given
   */
  public WireMockReplicas(long seed, ReplicaProfile... profiles) {
    if (profiles.length == 0) {
      throw new IllegalArgumentException("profiles must name at least one replica");
    }
    try {
      for (int i = 0; i < profiles.length; i++) {
        ReplicaProfile profile = Objects.requireNonNull(profiles[i], "profiles[" + i + "]");
        WireMockServer server = new WireMockServer(options()
            .bindAddress("127.0.0.1")
            .dynamicPort()
            .http2PlainDisabled(true)
            .containerThreads(64)
            .asynchronousResponseEnabled(true)
            .asynchronousResponseThreads(4)
            .jettyStopTimeout(1000L)
            .extensions(new ProfileTransformer(profile, seed + i)));
        servers.add(server);
        server.start();
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(5)
            .willReturn(aResponse().withStatus(200).withBody("answer from replica-" + i)));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(1).withRequestBody(containing("invalid"))
            .willReturn(aResponse().withStatus(400).withBody("invalid query")));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Returns how many replicas there are.
   *
   * @return at least 1
   */
  public int size() {
    return servers.size();
  }

  /**
   * Returns replica {@code i}'s base address, {@code http://127.0.0.1:port}.
   *
   * @param i the replica, from 0 to {@code size() - 1}
   * @return its address
   */
  public URI uri(int i) {
    return URI.create("http://127.0.0.1:" + servers.get(i).port());
  }

  /**
   * Returns replica {@code i}'s port.
   *
   * @param i the replica
   * @return its port
   */
  public int port(int i) {
    return servers.get(i).port();
  }

  /**
   * Returns every request the replicas received, from their request journals: one per attempt that
   * reached a server, recorded when it arrived (a request its client cancelled later is listed too).
   *
   * @return the journal entries of all replicas
   */
  public List<ServeEvent> journal() {
    List<ServeEvent> all = new ArrayList<>();
    for (WireMockServer server : servers) {
      all.addAll(server.getAllServeEvents());
    }
    return all;
  }

  /**
   * Returns how many requests one replica received, from its request journal.
   *
   * @param i the replica, from 0
   * @return the requests in its journal
   */
  public int requests(int i) {
    return servers.get(i).getAllServeEvents().size();
  }

  /** Clears every replica's request journal. */
  public void resetJournal() {
    servers.forEach(WireMockServer::resetRequests);
  }

  @Override
  public void close() {
    servers.forEach(WireMockServer::stop);
  }
}
