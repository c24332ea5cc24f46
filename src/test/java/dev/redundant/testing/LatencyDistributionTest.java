package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyDistributionTest {
  private static final int SAMPLES = 200_000;

  private static long[] sortedSamples(LatencyDistribution distribution) {
    SplittableRandom random = new SplittableRandom(42);
    long[] samples = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      samples[i] = distribution.sampleNanos(random);
    }
    Arrays.sort(samples);
    return samples;
  }

  private static double quantileMillis(long[] sorted, double q) {
    return sorted[(int) (q * (sorted.length - 1))] / 1e6;
  }

  @Test
  void lognormalHasItsMedianAndNinetyNinthPercentile() {
    long[] sorted = sortedSamples(LatencyDistribution.lognormal(Duration.ofMillis(10), 1.288));

    assertThat(quantileMillis(sorted, 0.5)).isCloseTo(10, within(0.3));
    assertThat(quantileMillis(sorted, 0.99)).isCloseTo(200, within(10.0)); // 10 * exp(2.326 * 1.288) = 198.9
  }

  @Test
  void uniformStaysInItsRangeAndScalingMultiplies() {
    long[] sorted = sortedSamples(LatencyDistribution.uniform(Duration.ofMillis(500), Duration.ofMillis(1000))
        .scaledBy(0.1));

    assertThat(sorted[0]).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(sorted[SAMPLES - 1]).isLessThanOrEqualTo(100_000_000L);
    assertThat(quantileMillis(sorted, 0.5)).isCloseTo(75, within(1.0));
    assertThat(LatencyDistribution.fixed(Duration.ofMillis(3)).sampleNanos(new SplittableRandom()))
        .isEqualTo(3_000_000L);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> LatencyDistribution.fixed(Duration.ofMillis(-1))).hasMessageContaining("latency");
    assertThatThrownBy(() -> LatencyDistribution.uniform(Duration.ofMillis(2), Duration.ofMillis(1)))
        .hasMessageContaining("max must be at least min");
    assertThatThrownBy(() -> LatencyDistribution.uniform(null, Duration.ofMillis(1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("min");
    assertThatThrownBy(() -> LatencyDistribution.lognormal(Duration.ZERO, 1)).hasMessageContaining("median");
    assertThatThrownBy(() -> LatencyDistribution.lognormal(Duration.ofMillis(1), -1))
        .hasMessageContaining("sigma");
    assertThatThrownBy(() -> LatencyDistribution.lognormal(Duration.ofMillis(1), Double.NaN))
        .hasMessageContaining("sigma");
    assertThatThrownBy(() -> LatencyDistribution.fixed(Duration.ZERO).scaledBy(-2)).hasMessageContaining("factor");
  }
}
