package dev.redundant.examples.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How a WireMock replica answers, drawn per request: a failure (a connection reset or a 503, half each),
 * a slow answer, or a fast one. {@link #seedTool(double)} is the seed notebook's tool: 20% failures, 10%
 * slow (5-7 s), 70% fast (0.5-1.0 s), every latency multiplied by a time scale so that runs take seconds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param failureRate chance that a request fails, in [0, 1]
 * @param resetShare share of the failures that reset the connection (the rest answer 503), in [0, 1]
 * @param slowRate chance that a request that does not fail is slow, in [0, 1 - failureRate]
 * @param fastMin shortest fast answer, before scaling
 * @param fastMax longest fast answer, before scaling, at least {@code fastMin}
 * @param slowMin shortest slow answer, before scaling
 * @param slowMax longest slow answer, before scaling, at least {@code slowMin}
 * @param timeScale factor applied to every latency, in (0, 1]; every latency, once scaled, must fit in an
 *     {@code int} of milliseconds (about 24 days), WireMock's unit
 */
public record ReplicaProfile(double failureRate, double resetShare, double slowRate, Duration fastMin,
    Duration fastMax, Duration slowMin, Duration slowMax, double timeScale) {

  /**
   * Validates the profile.
   *
   * @throws IllegalArgumentException naming the parameter that is out of bounds, a latency that does not
   *     fit in a long of nanoseconds among them
   * @throws NullPointerException if a duration is null
   */
  public ReplicaProfile {
    requireRate("failureRate", failureRate);
    requireRate("resetShare", resetShare);
    requireRate("slowRate", slowRate);
    if (failureRate + slowRate > 1) {
      throw new IllegalArgumentException(
          "failureRate + slowRate must be at most 1, was " + failureRate + " + " + slowRate);
    }
    if (!(timeScale > 0 && timeScale <= 1)) {
      throw new IllegalArgumentException("timeScale must be in (0, 1], was " + timeScale);
    }
    requireRange("fast", fastMin, fastMax, timeScale);
    requireRange("slow", slowMin, slowMax, timeScale);
  }

  /**
   * The seed notebook's tool: 20% failures (half connection resets, half 503), 10% slow (5-7 s), 70% fast
   * (0.5-1.0 s).
   *
   * @param timeScale factor applied to every latency, in (0, 1]
   * @return the profile
   */
  public static ReplicaProfile seedTool(double timeScale) {
    return new ReplicaProfile(0.2, 0.5, 0.1, Duration.ofMillis(500), Duration.ofMillis(1000),
        Duration.ofMillis(5000), Duration.ofMillis(7000), timeScale);
  }

  /**
   * A replica that always answers after {@code latency}, unscaled: a stuck replica, or a fast one.
   *
   * @param latency how long every answer takes
   * @return the profile
   */
  public static ReplicaProfile always(Duration latency) {
    return new ReplicaProfile(0, 0, 0, latency, latency, latency, latency, 1);
  }

  /**
   * Returns a latency scaled by {@link #timeScale()}, in whole milliseconds (WireMock's unit).
   *
   * @param unscaled the latency in the profile's time
   * @return the scaled latency in milliseconds, at least 0
   */
  int scaledMillis(Duration unscaled) {
    return Math.toIntExact(scaledMillis(unscaled.toNanos(), timeScale));
  }

  private static long scaledMillis(long nanos, double timeScale) {
    return Math.round(nanos * timeScale / 1e6);
  }

  private static void requireRate(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + rate);
    }
  }

  private static void requireRange(String name, Duration min, Duration max, double timeScale) {
    Objects.requireNonNull(min, name + "Min");
    Objects.requireNonNull(max, name + "Max");
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          name + "Min must be >= 0 and " + name + "Max >= " + name + "Min, were " + min + " and " + max);
    }
    requireScaledMillis(name + "Min", min, timeScale);
    requireScaledMillis(name + "Max", max, timeScale);
  }

  /** A latency WireMock can be told: a long of nanoseconds, and an int of milliseconds once scaled. */
  private static void requireScaledMillis(String name, Duration latency, double timeScale) {
    long nanos;
    try {
      nanos = latency.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(name + " must fit in a long of nanoseconds, was " + latency, e);
    }
    if (scaledMillis(nanos, timeScale) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE + " ms once scaled by "
          + timeScale + " (WireMock's delays are an int of milliseconds), was " + latency);
    }
  }
}
