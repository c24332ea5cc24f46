package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How one replica of a {@link ReplicaSet} behaves: how long a successful call takes, how often a call
 * fails, and how long a failure takes to report.
 *
 * {@snippet :
 * ReplicaProfile healthy = ReplicaProfile.of(LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8));
 * ReplicaProfile degraded = ReplicaProfile.of(LatencyDistribution.lognormal(Duration.ofMillis(80), 0.8))
 *     .withFailureRate(0.3);
 * }
 *
 * <p><b>Thread safety:</b> immutable.
 *
 * @param latency the latency of a successful call
 * @param failureRate the probability that a call fails, 0 to 1
 * @param failureLatency how long a failing call takes before it throws, zero or positive, at most about
 *     292 years (a long of nanoseconds)
 */
public record ReplicaProfile(LatencyDistribution latency, double failureRate, Duration failureLatency) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if {@code latency} or {@code failureLatency} is null
   * @throws IllegalArgumentException if {@code failureRate} is not between 0 and 1 or
   *     {@code failureLatency} is negative or does not fit in a long of nanoseconds
   */
  public ReplicaProfile {
    requireNonNull(latency, "latency");
    requireArgument(failureRate >= 0 && failureRate <= 1, "failureRate must be between 0 and 1, was %s",
        failureRate);
    Durations.nonNegativeNanos("failureLatency", failureLatency);
  }

  /**
   * Returns a replica that never fails and answers after {@code latency}.
   *
   * @param latency the latency of a call
   * @return the profile: failure rate 0, failure latency 0
   * @throws NullPointerException if {@code latency} is null
   */
  public static ReplicaProfile of(LatencyDistribution latency) {
    return new ReplicaProfile(latency, 0, Duration.ZERO);
  }

  /**
   * Returns this profile with another failure rate.
   *
   * @param rate the probability that a call fails, 0 to 1
   * @return the new profile
   * @throws IllegalArgumentException if {@code rate} is out of bounds
   */
  public ReplicaProfile withFailureRate(double rate) {
    requireArgument(rate >= 0 && rate <= 1, "rate must be between 0 and 1, was %s", rate);
    return new ReplicaProfile(latency, rate, failureLatency);
  }

  /**
   * Returns this profile with another failure latency.
   *
   * @param latency how long a failing call takes, zero or positive, at most about 292 years
   * @return the new profile
   * @throws NullPointerException if {@code latency} is null
   * @throws IllegalArgumentException if {@code latency} is negative or does not fit in a long of
   *     nanoseconds
   */
  public ReplicaProfile withFailureLatency(Duration latency) {
    Durations.nonNegativeNanos("latency", latency);
    return new ReplicaProfile(this.latency, failureRate, latency);
  }
}
