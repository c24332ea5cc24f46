package dev.redundant.internal;

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
      long value = random.nextLong(LogLinearBuckets.MAX_VALUE);
      long upper = LogLinearBuckets.upperBound(LogLinearBuckets.bucketOf(value));
      assertThat(upper).isGreaterThanOrEqualTo(value);
      assertThat((double) (upper - value)).as("error at %s", value)
          .isLessThanOrEqualTo((double) value / LogLinearBuckets.SUB_BUCKETS);
    }
  }

  @Test
  void outOfRangeValuesAreClamped() {
    assertThat(LogLinearBuckets.bucketOf(-5)).isZero();
    assertThat(LogLinearBuckets.bucketOf(Long.MAX_VALUE)).isEqualTo(LogLinearBuckets.FINITE - 1);
    assertThat(LogLinearBuckets.CENSORED).isEqualTo(LogLinearBuckets.FINITE);
    assertThat(LogLinearBuckets.COUNT).isEqualTo(LogLinearBuckets.FINITE + 1).isLessThan(1200);
  }
}
