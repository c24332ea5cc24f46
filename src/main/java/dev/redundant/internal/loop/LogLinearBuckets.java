package dev.redundant.internal.loop;

/**
 * The bucket layout of a compact log-linear latency histogram: nanosecond values are grouped by their
 * power of two, and each power of two is split into {@value #SUB_BUCKETS} equal sub-buckets. A value is
 * known to within {@code 1 / }{@value #SUB_BUCKETS} (about 3%) of itself, over the whole range of a long:
 * from 0 ns up to {@link #MAX_VALUE} ({@link Long#MAX_VALUE} ns, about 292 years), in {@link #FINITE}
 * buckets (values below 64 ns have a bucket each). No duration a {@code TimeSource} can measure falls
 * outside it.
 *
 * <p>Bucket {@link #CENSORED} (the last one) holds samples known only to be "longer than anything
 * seen": a first attempt that was cancelled, or still running when its call ended.
 *
 * <p><b>Thread safety:</b> stateless; pure functions.
 */
final class LogLinearBuckets {
  /** log2 of the sub-buckets per power of two. */
  private static final int SUB_BITS = 5;
  /** Sub-buckets per power of two: the relative resolution is 1 / SUB_BUCKETS. */
  static final int SUB_BUCKETS = 1 << SUB_BITS;
  /** The largest value: every long from 0 up has a bucket. */
  static final long MAX_VALUE = Long.MAX_VALUE;
  /** Finite buckets: values 0..MAX_VALUE (1888). */
  static final int FINITE = indexOf(MAX_VALUE) + 1;
  /** The bucket of censored samples ("longer than anything seen"). */
  static final int CENSORED = FINITE;
  /** Buckets in all, the censored one included. */
  static final int COUNT = FINITE + 1;

  private LogLinearBuckets() {}

  /**
   * Returns the bucket of a duration; negative values count as 0.
   *
   * @param nanos a duration in nanoseconds
   * @return its bucket, in {@code [0, FINITE)}
   */
  static int bucketOf(long nanos) {
    return indexOf(Math.max(nanos, 0));
  }

  private static int indexOf(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value); // >= SUB_BITS
    int shift = exponent - SUB_BITS;
    // The top SUB_BITS + 1 bits of the value, in [SUB_BUCKETS, 2 * SUB_BUCKETS): contiguous indexes.
    return shift * SUB_BUCKETS + (int) (value >>> shift);
  }

  /**
   * Returns the largest value that falls into a finite bucket: a quantile reported from it errs high, by
   * less than 1 / {@value #SUB_BUCKETS} of the value.
   *
   * @param bucket a finite bucket, in {@code [0, FINITE)}
   * @return its largest value in nanoseconds
   */
  static long upperBound(int bucket) {
    if (bucket < 2 * SUB_BUCKETS) {
      return bucket;
    }
    if (bucket == FINITE - 1) {
      return MAX_VALUE; // ((top + 1) << shift) - 1 would wrap around to it
    }
    int shift = bucket / SUB_BUCKETS - 1;
    long top = bucket - (long) shift * SUB_BUCKETS; // in [SUB_BUCKETS, 2 * SUB_BUCKETS)
    return ((top + 1) << shift) - 1;
  }
}
