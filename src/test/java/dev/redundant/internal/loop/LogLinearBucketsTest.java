package dev.redundant.internal.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The histogram's bucket layout: contiguous, monotonic, and within its stated relative error. */
class LogLinearBucketsTest {

  @Test
  void eachBucketsUpperBoundIsTheLastValueBeforeTheNextBucket() {
    for (int bucket = 0; bucket < LogLinearBuckets.FINITE; bucket++) {
      long upper = LogLinearBuckets.upperBound(bucket);
      assertThat(LogLinearBuckets.bucketOf(upper)).as("bucket of upperBound(%s)", bucket).isEqualTo(bucket);
      if (bucket + 1 < LogLinearBuckets.FINITE) {
        assertThat(LogLinearBuckets.bucketOf(upper + 1)).as("bucket after %s", bucket).isEqualTo(bucket + 1);
      }
    }
    assertThat(LogLinearBuckets.upperBound(LogLinearBuckets.FINITE - 1)).isEqualTo(LogLinearBuckets.MAX_VALUE);
  }

  @Test
  void aValueIsKnownToWithinOneSubBucketOfItself() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long value = random.nextLong(1L << random.nextInt(1, 63)); // every power of two as likely
      long upper = LogLinearBuckets.upperBound(LogLinearBuckets.bucketOf(value));
      assertThat(upper).isGreaterThanOrEqualTo(value);
      assertThat((double) (upper - value)).as("error at %s", value)
          .isLessThanOrEqualTo((double) value / LogLinearBuckets.SUB_BUCKETS);
    }
  }

  @Test
  void negativeValuesCountAsZeroAndEveryLongHasABucket() {
    assertThat(LogLinearBuckets.bucketOf(-5)).isZero();
    assertThat(LogLinearBuckets.bucketOf(Long.MAX_VALUE)).isEqualTo(LogLinearBuckets.FINITE - 1);
    assertThat(LogLinearBuckets.CENSORED).isEqualTo(LogLinearBuckets.FINITE);
    assertThat(LogLinearBuckets.COUNT).isEqualTo(LogLinearBuckets.FINITE + 1).isLessThan(1900);
  }

  @Test
  void durationsBeyondEighteenMinutesKeepTheirOwnBuckets() {
    // The layout used to stop at 2^40 ns (18.3 minutes): an hour and a day shared its last bucket.
    long hour = 3_600_000_000_000L;
    long day = 24 * hour;
    for (long value : new long[] {1L << 40, hour, day, 100 * 365 * day, Long.MAX_VALUE / 3}) {
      long upper = LogLinearBuckets.upperBound(LogLinearBuckets.bucketOf(value));
      assertThat(upper).as("upper bound of %s", value).isGreaterThanOrEqualTo(value);
      assertThat((double) (upper - value)).as("error at %s", value)
          .isLessThanOrEqualTo((double) value / LogLinearBuckets.SUB_BUCKETS);
    }
    assertThat(LogLinearBuckets.bucketOf(day)).isGreaterThan(LogLinearBuckets.bucketOf(hour));
  }
}
