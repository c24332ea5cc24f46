package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The clock's arithmetic, without threads: elapsed spans over origins where readings wrap. */
class CallClockTest {
  private static final long NEVER = RaceConfig.NEVER;

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 1, Long.MAX_VALUE, Long.MAX_VALUE - 50, Long.MIN_VALUE, Long.MIN_VALUE + 50})
  void aSpanElapsesAfterExactlyItsLengthWhateverTheOrigin(long start) {
    assertThat(CallClock.elapsed(start + 99, start, 100)).isFalse();
    assertThat(CallClock.elapsed(start + 100, start, 100)).isTrue();
    assertThat(CallClock.elapsed(start + 101, start, 100)).isTrue();
    assertThat(CallClock.remaining(start, start, 100)).isEqualTo(100);
    assertThat(CallClock.remaining(start + 60, start, 100)).isEqualTo(40);
    assertThat(CallClock.remaining(start + 100, start, 100)).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE, Long.MIN_VALUE})
  void aSpanOfNeverNeverElapses(long start) {
    assertThat(CallClock.elapsed(start + Long.MAX_VALUE, start, NEVER)).isFalse();
    assertThat(CallClock.remaining(start + 5, start, NEVER)).isEqualTo(NEVER);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE, Long.MIN_VALUE})
  void aClockThatRanBackwardsLeavesTheWholeSpanAndMore(long start) {
    assertThat(CallClock.elapsed(start - 10, start, 100)).isFalse();
    assertThat(CallClock.remaining(start - 10, start, 100)).isEqualTo(110);
    assertThat(CallClock.remaining(start - 10, start, NEVER - 5)).isEqualTo(NEVER); // saturates
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE - 3, Long.MIN_VALUE})
  void zeroElapsesAtOnce(long start) {
    assertThat(CallClock.elapsed(start, start, 0)).isTrue();
    assertThat(CallClock.remaining(start, start, 0)).isZero();
  }
}
