package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A distribution of simulated latencies, sampled by the simulated dependencies of this package
 * ({@link ReplicaSet}, {@link QueueingBackend}).
 *
 * {@snippet :
 * LatencyDistribution latency = LatencyDistribution.lognormal(Duration.ofMillis(10), 1.288); // p99 200 ms
 * LatencyDistribution degraded = latency.scaledBy(2);
 * }
 *
 * <p>The factories validate their arguments and name the offending one. Implementations must return a
 * non-negative number of nanoseconds and draw their randomness only from the generator they are given,
 * so that a seeded simulator stays reproducible.
 *
 * <p><b>Thread safety:</b> the distributions made by the factories are immutable and thread-safe; a
 * sample uses only the generator passed in, which the caller owns.
 */
@FunctionalInterface
public interface LatencyDistribution {

  /**
   * Draws one latency.
   *
   * @param random the generator to draw from, owned by the caller
   * @return a latency in nanoseconds, zero or positive
   */
  long sampleNanos(RandomGenerator random);

  /**
   * Returns a distribution that always gives {@code latency}.
   *
   * @param latency zero or positive
   * @return the distribution
   * @throws NullPointerException if {@code latency} is null
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  static LatencyDistribution fixed(Duration latency) {
    long nanos = nonNegativeNanos(latency, "latency");
    return random -> nanos;
  }

  /**
   * Returns a distribution uniform in {@code [min, max)}, or always {@code min} when they are equal.
   *
   * @param min zero or positive
   * @param max at least {@code min}
   * @return the distribution
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code min} is negative or {@code max} below it
   */
  static LatencyDistribution uniform(Duration min, Duration max) {
    long lo = nonNegativeNanos(min, "min");
    long hi = nonNegativeNanos(max, "max");
    requireArgument(hi >= lo, "max must be at least min (%s), was %s", min, max);
    return hi == lo ? random -> lo : random -> random.nextLong(lo, hi);
  }

  /**
   * Returns a lognormal distribution: {@code median * exp(sigma * Z)}, {@code Z} standard normal. Its
   * 99th percentile is {@code median * exp(2.326 * sigma)}; a median of 10 ms with sigma 1.288 gives a
   * p99 of 200 ms.
   *
   * @param median positive
   * @param sigma the standard deviation of the latency's logarithm, 0 to 10
   * @return the distribution
   * @throws NullPointerException if {@code median} is null
   * @throws IllegalArgumentException if {@code median} is not positive or {@code sigma} is out of bounds
   */
  static LatencyDistribution lognormal(Duration median, double sigma) {
    long medianNanos = nonNegativeNanos(median, "median");
    requireArgument(medianNanos > 0, "median must be positive, was %s", median);
    requireArgument(sigma >= 0 && sigma <= 10, "sigma must be between 0 and 10, was %s", sigma);
    return random -> saturatedNanos(medianNanos * Math.exp(sigma * random.nextGaussian()));
  }

  /**
   * Returns this distribution with every sample multiplied by {@code factor}: a slower (or faster)
   * version of the same shape.
   *
   * @param factor 0 to 1,000
   * @return the scaled distribution
   * @throws IllegalArgumentException if {@code factor} is out of bounds or not a number
   */
  default LatencyDistribution scaledBy(double factor) {
    requireArgument(factor >= 0 && factor <= 1000, "factor must be between 0 and 1000, was %s", factor);
    return random -> saturatedNanos(sampleNanos(random) * factor);
  }

  private static long nonNegativeNanos(Duration duration, String name) {
    requireNonNull(duration, name);
    requireArgument(!duration.isNegative(), "%s must not be negative, was %s", name, duration);
    return saturatedNanos(duration.getSeconds() * 1e9 + duration.getNano());
  }

  private static long saturatedNanos(double nanos) {
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(nanos);
  }
}
