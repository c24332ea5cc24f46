package dev.redundant.internal.loop;

import dev.redundant.internal.Concurrently;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The count-based sliding window: eviction, quantiles with censored samples, and exact counts under contention. */
class WindowHistogramTest {

  @Test
  void holdsOnlyTheLatestSamples() {
    WindowHistogram window = new WindowHistogram(10);
    for (int i = 0; i < 10; i++) {
      window.record(5);
    }
    for (int i = 0; i < 10; i++) {
      window.record(7);
    }
    assertThat(window.samples()).isEqualTo(10);
    assertThat(window.count(5)).isZero();
    assertThat(window.count(7)).isEqualTo(10);
    assertThat(window.quantileBucket(0)).isEqualTo(7);
  }

  @Test
  void aQuantileLeavesAtMostItsShareAboveIt() {
    WindowHistogram window = new WindowHistogram(100);
    for (int bucket = 1; bucket <= 100; bucket++) {
      window.record(bucket);
    }
    assertThat(window.quantileBucket(0.95)).isEqualTo(95); // 5 of 100 above
    assertThat(window.quantileBucket(0.5)).isEqualTo(50);
    assertThat(window.quantileBucket(1.0)).isEqualTo(100);
    assertThat(window.quantileBucket(0.0)).isEqualTo(1);
  }

  @Test
  void censoredSamplesRankAboveEveryFiniteOne() {
    WindowHistogram window = new WindowHistogram(20);
    for (int i = 0; i < 19; i++) {
      window.record(LogLinearBuckets.FINITE - 1); // the largest finite value
    }
    window.record(LogLinearBuckets.CENSORED);
    assertThat(window.censored()).isEqualTo(1);
    assertThat(window.quantileBucket(0.95)).isEqualTo(LogLinearBuckets.FINITE - 1);
    assertThat(window.quantileBucket(0.96)).isEqualTo(LogLinearBuckets.CENSORED);
  }

  @Test
  void countsTheLatestSamplesFromTheRing() {
    WindowHistogram window = new WindowHistogram(10);
    long[] counts = new long[LogLinearBuckets.COUNT];
    counts[3] = 99; // cleared first
    assertThat(window.countLatest(4, counts)).isZero();
    assertThat(counts[3]).isZero();
    for (int bucket = 0; bucket < 25; bucket++) {
      window.record(bucket);
    }
    assertThat(window.countLatest(4, counts)).isEqualTo(4);
    assertThat(counts).containsOnly(0, 1);
    for (int bucket = 21; bucket <= 24; bucket++) {
      assertThat(counts[bucket]).as("bucket %s", bucket).isEqualTo(1);
    }
    assertThat(WindowHistogram.quantileBucket(b -> counts[b], 4, 0.75)).isEqualTo(23); // 1 of 4 above
    assertThat(window.countLatest(50, counts)).isEqualTo(10); // no more than the window holds
  }

  @Test
  void anEmptyWindowHasNoQuantile() {
    assertThat(new WindowHistogram(10).quantileBucket(0.5)).isEqualTo(-1);
  }

  @Test
  void concurrentRecordersLoseNoCount() throws Exception {
    int threads = 8;
    int perThread = 20_000;
    WindowHistogram large = new WindowHistogram(threads * perThread); // never wraps: every sample stays
    WindowHistogram small = new WindowHistogram(1000); // wraps 160 times: slots are fought over
    // Half platform, half virtual recorders: the engine records from both kinds of threads.
    Concurrently.run(threads, bucket -> {
      for (int i = 0; i < perThread; i++) {
        large.record(bucket);
        small.record(i % 2 == 0 ? bucket : LogLinearBuckets.CENSORED);
      }
    });
    for (int t = 0; t < threads; t++) {
      assertThat(large.count(t)).as("bucket %s", t).isEqualTo(perThread);
    }
    assertThat(large.samples()).isEqualTo((long) threads * perThread);
    long sum = 0;
    for (int bucket = 0; bucket < LogLinearBuckets.COUNT; bucket++) {
      assertThat(small.count(bucket)).as("bucket %s", bucket).isNotNegative();
      sum += small.count(bucket);
    }
    assertThat(sum).isEqualTo(1000);
    assertThat(small.samples()).isEqualTo(1000);
  }

  @Test
  void oneScanFindsTheSameBucketsAsTwoRankLookups() {
    WindowHistogram window = new WindowHistogram(100);
    for (int i = 1; i <= 90; i++) {
      window.record(i);
    }
    for (int i = 0; i < 10; i++) {
      window.record(LogLinearBuckets.CENSORED);
    }
    int[] buckets = new int[2];
    long[][] rankPairs = {{45, 90}, {90, 45}, {1, 1}, {90, 91}, {100, 3}};
    for (long[] ranks : rankPairs) {
      window.bucketsAtRanks(ranks[0], ranks[1], buckets);
      assertThat(buckets[0]).isEqualTo(WindowHistogram.bucketAtRank(window::count, ranks[0]));
      assertThat(buckets[1]).isEqualTo(WindowHistogram.bucketAtRank(window::count, ranks[1]));
    }
    window.bucketsAtRanks(45, 91, buckets);
    assertThat(buckets).containsExactly(45, LogLinearBuckets.CENSORED);
  }
}
