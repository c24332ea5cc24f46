package dev.redundant.examples.support;

import java.util.Arrays;

/**
 * Latencies of many calls, sorted, with nearest-rank percentiles. Immutable and thread-safe.
 */
public final class LatencySample {
  private final long[] sortedNanos;

  /**
   * Sorts a copy of the latencies.
   *
   * @param nanos the latencies in nanoseconds, at least one
   * @throws IllegalArgumentException if {@code nanos} is empty
   */
  public LatencySample(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("nanos must hold at least one latency");
    }
    this.sortedNanos = nanos.clone();
    Arrays.sort(sortedNanos);
  }

  /**
   * Returns the nearest-rank percentile: the smallest latency that at least {@code p} percent of the
   * latencies do not exceed.
   *
   * @param p a percentage in (0, 100]
   * @return the percentile, in nanoseconds
   * @throws IllegalArgumentException if {@code p} is out of range
   */
  public long percentileNanos(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("p must be in (0, 100], was " + p);
    }
    int rank = (int) Math.ceil(p / 100 * sortedNanos.length);
    return sortedNanos[Math.clamp(rank - 1, 0, sortedNanos.length - 1)];
  }

  /**
   * Returns the latencies, sorted.
   *
   * @return a copy, in nanoseconds
   */
  public long[] sortedNanos() {
    return sortedNanos.clone();
  }

  /**
   * Returns how many latencies there are.
   *
   * @return at least 1
   */
  public int size() {
    return sortedNanos.length;
  }
}
