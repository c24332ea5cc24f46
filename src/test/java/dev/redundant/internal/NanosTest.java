package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Deadline;
import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Nanos}: elapsed spans and the time left, over origins where readings wrap, and saturated durations. */
class NanosTest {
  private static final long NEVER = Nanos.NEVER;

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 1, Long.MAX_VALUE, Long.MAX_VALUE - 50, Long.MIN_VALUE, Long.MIN_VALUE + 50})
  void aSpanElapsesAfterExactlyItsLengthWhateverTheOrigin(long start) {
    assertThat(Nanos.elapsed(start + 99, start, 100)).isFalse();
    assertThat(Nanos.elapsed(start + 100, start, 100)).isTrue();
    assertThat(Nanos.elapsed(start + 101, start, 100)).isTrue();
    assertThat(Nanos.remaining(start, start, 100)).isEqualTo(100);
    assertThat(Nanos.remaining(start + 60, start, 100)).isEqualTo(40);
    assertThat(Nanos.remaining(start + 100, start, 100)).isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE, Long.MIN_VALUE})
  void aSpanOfNeverNeverElapses(long start) {
    assertThat(Nanos.elapsed(start + Long.MAX_VALUE, start, NEVER)).isFalse();
    assertThat(Nanos.remaining(start + 5, start, NEVER)).isEqualTo(NEVER);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE, Long.MIN_VALUE})
  void aClockThatRanBackwardsLeavesTheWholeSpanNeverMore(long start) {
    assertThat(Nanos.elapsed(start - 10, start, 100)).isFalse();
    assertThat(Nanos.since(start - 10, start)).isZero();
    assertThat(Nanos.remaining(start - 10, start, 100)).isEqualTo(100);
    assertThat(Nanos.remaining(start - 10, start, NEVER - 5)).isEqualTo(NEVER - 5);
  }

  @Test
  void aDeadlineAndACallTimeoutLeaveTheSameTimeWhenTheClockRunsBackwards() {
    // They were two copies of this arithmetic, which disagreed here: 100 ns left for the deadline,
    // 110 ns for the call's timeout.
    AtomicLong reading = new AtomicLong(1_000);
    TimeSource time = new TimeSource() {
      @Override
      public long nanoTime() {
        return reading.get();
      }

      @Override
      public void parkUntil(long deadlineNanos) {
        throw new UnsupportedOperationException("not parked in this test");
      }
    };
    Deadline deadline = Deadline.after(Duration.ofNanos(100), time);
    reading.set(990);
    assertThat(deadline.remaining()).isEqualTo(Duration.ofNanos(Nanos.remaining(990, 1_000, 100)))
        .isEqualTo(Duration.ofNanos(100));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, Long.MAX_VALUE - 3, Long.MIN_VALUE})
  void zeroElapsesAtOnce(long start) {
    assertThat(Nanos.elapsed(start, start, 0)).isTrue();
    assertThat(Nanos.remaining(start, start, 0)).isZero();
  }

  @Test
  void aDurationThatFitsIsExact() {
    assertThat(Nanos.of(Duration.ZERO)).isZero();
    assertThat(Nanos.of(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(Nanos.of(Duration.ofMillis(250))).isEqualTo(250_000_000L);
    assertThat(Nanos.of(Duration.ofNanos(NEVER - 2))).isEqualTo(NEVER - 2);
  }

  @Test
  void fromOneBelowNeverUpItIsNever() {
    // NEVER - 1 would be a real span one nanosecond short of "never": it saturates, as every longer one
    assertThat(Nanos.of(Duration.ofNanos(NEVER - 1))).isEqualTo(NEVER);
    assertThat(Nanos.of(Duration.ofNanos(NEVER))).isEqualTo(NEVER);
  }

  @Test
  void aDurationBeyondLongNanosSaturatesInsteadOfOverflowing() {
    assertThat(Nanos.of(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(NEVER);
    assertThat(Nanos.of(Duration.ofDays(365L * 1_000))).isEqualTo(NEVER);
  }
}
