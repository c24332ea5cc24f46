package dev.redundant.examples;

import java.util.Arrays;

/** Percentiles of a set of latencies, in nanoseconds. */
final class LatencyStats {
  private final long[] sorted;

  /**
   * Sorts a copy of the latencies.
   *
   * @param nanos the latencies, at least one
   * @throws IllegalArgumentException if {@code nanos} is empty
   */
  LatencyStats(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no latencies");
    }
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  /**
   * Returns the nearest-rank percentile: the smallest latency that at least {@code p} percent of the
   * latencies do not exceed.
   *
   * @param p a percentage in (0, 100]
   * @return the percentile, in nanoseconds
   */
  long percentile(double p) {
    return sorted[nearestRankIndex(p, sorted.length)];
  }

  /**
   * Returns the index, in a sorted array of {@code n} values, of the nearest-rank percentile {@code p}.
   *
   * @param p a percentage in (0, 100]
   * @param n the number of values, at least one
   * @return the index, from 0 to {@code n - 1}
   */
  static int nearestRankIndex(double p, int n) {
    int rank = (int) Math.ceil(p / 100 * n);
    return Math.clamp(rank - 1, 0, n - 1);
  }

  /**
   * Returns the largest latency.
   *
   * @return the maximum, in nanoseconds
   */
  long max() {
    return sorted[sorted.length - 1];
  }
}
