package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The adaptive delay's settings: defaults, bounds named in every message, and copies that leave the original alone. */
class AdaptiveDelayTest {

  @Test
  void defaults() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05);
    assertThat(adaptive.targetExtraLoad()).isEqualTo(0.05);
    assertThat(adaptive.window()).isEqualTo(1000);
    assertThat(adaptive.recoveryWindow()).isEqualTo(250);
    assertThat(adaptive.minSamples()).isEqualTo(100);
    assertThat(adaptive.min()).isEqualTo(Duration.ZERO);
    assertThat(adaptive.max()).isEmpty();
    assertThat(adaptive.isDeadlineAware()).isTrue();
    assertThat(adaptive).hasToString("AdaptiveDelay[targetExtraLoad=0.05, window=1000, recoveryWindow=250, "
        + "minSamples=100, min=PT0S, max=none, deadlineAware=true]");
    assertThat(adaptive.deadlineAware(false)).isNotEqualTo(adaptive)
        .satisfies(copy -> assertThat(copy.isDeadlineAware()).isFalse());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 1, -0.1, 1.5, Double.NaN})
  void targetExtraLoadOutOfBounds(double load) {
    assertThatThrownBy(() -> AdaptiveDelay.targetExtraLoad(load))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targetExtraLoad must be in (0, 1), was " + load);
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 100_001, 0, -1})
  void windowOutOfBounds(int n) {
    assertThatThrownBy(() -> AdaptiveDelay.targetExtraLoad(0.05).window(n))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be between 10 and 100000, was " + n);
  }

  @Test
  void smallWindowsShrinkTheDefaultsThatDependOnThem() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05).window(40);
    assertThat(adaptive.recoveryWindow()).isEqualTo(40);
    assertThat(adaptive.minSamples()).isEqualTo(40);
    assertThat(AdaptiveDelay.targetExtraLoad(0.05).window(100_000).recoveryWindow()).isEqualTo(250);
  }

  @Test
  void recoveryWindowAndMinSamplesAreBoundedByTheWindow() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05).window(500);
    assertThatThrownBy(() -> adaptive.recoveryWindow(501)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recoveryWindow must be between 10 and window (500), was 501");
    assertThatThrownBy(() -> adaptive.recoveryWindow(9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recoveryWindow must be between 10 and window (500), was 9");
    assertThatThrownBy(() -> adaptive.minSamples(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minSamples must be between 1 and window (500), was 0");
    assertThatThrownBy(() -> adaptive.minSamples(501)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minSamples must be between 1 and window (500), was 501");
    assertThatThrownBy(() -> adaptive.recoveryWindow(300).window(299)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window (299) must be at least recoveryWindow (300)");
    assertThatThrownBy(() -> adaptive.minSamples(300).window(299)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window (299) must be at least minSamples (300)");
    assertThat(adaptive.recoveryWindow(10).minSamples(1).window(10).minSamples()).isEqualTo(1);
  }

  @Test
  void clamps() {
    AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05);
    assertThatThrownBy(() -> adaptive.min(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min must not be negative, was PT-0.000000001S");
    assertThatThrownBy(() -> adaptive.max(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be positive, was PT0S");
    assertThatThrownBy(() -> adaptive.min(Duration.ofSeconds(2)).max(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("max (PT1S) must be at least min (PT2S)");
    assertThatThrownBy(() -> adaptive.max(Duration.ofSeconds(1)).min(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("min (PT2S) must be at most max (PT1S)");
    assertThatThrownBy(() -> adaptive.min(null)).isInstanceOf(NullPointerException.class).hasMessage("min");
    assertThatThrownBy(() -> adaptive.max(null)).isInstanceOf(NullPointerException.class).hasMessage("max");
    AdaptiveDelay clamped = adaptive.min(Duration.ofMillis(5)).max(Duration.ofMillis(5));
    assertThat(clamped.min()).isEqualTo(Duration.ofMillis(5));
    assertThat(clamped.max()).contains(Duration.ofMillis(5));
  }

  @Test
  void settersReturnCopiesAndLeaveTheOriginalAlone() {
    AdaptiveDelay original = AdaptiveDelay.targetExtraLoad(0.1);
    AdaptiveDelay copy = original.window(2000).recoveryWindow(100).minSamples(50).max(Duration.ofSeconds(2));
    assertThat(original).isEqualTo(AdaptiveDelay.targetExtraLoad(0.1)).isNotEqualTo(copy);
    assertThat(original.window()).isEqualTo(1000);
    assertThat(copy.window()).isEqualTo(2000);
    assertThat(copy.recoveryWindow()).isEqualTo(100);
    assertThat(copy.minSamples()).isEqualTo(50);
    assertThat(copy).hasSameHashCodeAs(
        AdaptiveDelay.targetExtraLoad(0.1).max(Duration.ofSeconds(2)).minSamples(50).recoveryWindow(100).window(2000));
    // A default and the same value set explicitly are the same settings.
    assertThat(original.recoveryWindow(250)).isEqualTo(original).hasSameHashCodeAs(original);
  }
}
