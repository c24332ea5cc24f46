package dev.redundant.examples.http;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WireMock extension, applied to every request of one replica, that plays a {@link ReplicaProfile}
 * with WireMock's own means: {@code withUniformRandomDelay} for fast and slow answers,
 * {@code withFault(CONNECTION_RESET_BY_PEER)} and {@code withStatus(503)} for failures. Stubs that answer
 * something other than 200 (the 400 for a bad request) pass through unchanged.
 *
 * <p>Thread-safe: request {@code k} (in order of arrival) draws from a generator seeded with
 * {@code (seed, k)}, so concurrent requests never share a generator.
 */
final class ProfileTransformer implements ResponseDefinitionTransformerV2 {
  private final ReplicaProfile profile;
  private final long seed;
  private final AtomicLong requests = new AtomicLong();

  ProfileTransformer(ReplicaProfile profile, long seed) {
    this.profile = profile;
    this.seed = seed;
  }

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    ResponseDefinition stub = serveEvent.getResponseDefinition();
    if (stub.getStatus() != 200) {
      return stub;
    }
    SplittableRandom random = new SplittableRandom(seed ^ (requests.getAndIncrement() * 0x9E3779B97F4A7C15L));
    double draw = random.nextDouble();
    ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.like(stub);
    if (draw < profile.failureRate()) {
      return random.nextDouble() < profile.resetShare()
          ? answer.withFault(Fault.CONNECTION_RESET_BY_PEER).build()
          : answer.withStatus(503).withBody("overloaded").build();
    }
    boolean slow = draw < profile.failureRate() + profile.slowRate();
    int min = profile.scaledMillis(slow ? profile.slowMin() : profile.fastMin());
    int max = profile.scaledMillis(slow ? profile.slowMax() : profile.fastMax());
    return (min == max ? answer.withFixedDelay(min) : answer.withUniformRandomDelay(min, max)).build();
  }

  @Override
  public String getName() {
    return "seed-tool-profile";
  }
}
