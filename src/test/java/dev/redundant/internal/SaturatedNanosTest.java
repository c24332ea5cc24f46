package dev.redundant.internal;

import static dev.redundant.internal.RaceConfig.NEVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RaceConfig#saturatedNanos}: a duration in nanoseconds, or NEVER when it does not fit below it. */
class SaturatedNanosTest {

  @Test
  void aDurationThatFitsIsExact() {
    assertThat(RaceConfig.saturatedNanos(Duration.ZERO)).isZero();
    assertThat(RaceConfig.saturatedNanos(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(RaceConfig.saturatedNanos(Duration.ofMillis(250))).isEqualTo(250_000_000L);
    assertThat(RaceConfig.saturatedNanos(Duration.ofNanos(NEVER - 2))).isEqualTo(NEVER - 2);
  }

  @Test
  void fromOneBelowNeverUpItIsNever() {
    // NEVER - 1 would be a real span one nanosecond short of "never": it saturates, as every longer one
    assertThat(RaceConfig.saturatedNanos(Duration.ofNanos(NEVER - 1))).isEqualTo(NEVER);
    assertThat(RaceConfig.saturatedNanos(Duration.ofNanos(NEVER))).isEqualTo(NEVER);
  }

  @Test
  void aDurationBeyondLongNanosSaturatesInsteadOfOverflowing() {
    assertThat(RaceConfig.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(NEVER);
    assertThat(RaceConfig.saturatedNanos(Duration.ofDays(365L * 1_000))).isEqualTo(NEVER);
  }
}
