package dev.redundant.internal.loop;

import dev.redundant.internal.Checks;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntToLongFunction;

/**
 * A log-linear histogram of the last {@code size} samples (a count-based sliding window), censored
 * samples included.
 *
 * <p>A ring remembers the bucket of each of the last {@code size} samples; a sample claims its slot with
 * one {@code getAndIncrement}, counts itself in its bucket and uncounts the sample it replaces. Recording
 * is O(1), allocation-free and lock-free (a handful of atomic operations, no retry loop), so concurrent
 * callers never wait for each other. {@link #countLatest} counts a shorter window of the latest samples from
 * the ring, on demand.
 *
 * <p><b>Thread safety:</b> thread-safe. While samples are being recorded, a reader may see a bucket
 * count that already includes a new sample but not yet the removal of the one it replaces (or the other
 * way round, for a sample a few slots apart): quantiles read under load may be off by the few samples in
 * flight. Once recording stops, the counts are exact.
 */
final class WindowHistogram {
  /** Ring slot value for "no sample yet"; a slot otherwise holds its sample's bucket + 1. */
  private static final int EMPTY = 0;

  private final int size;
  private final AtomicLongArray counts = new AtomicLongArray(LogLinearBuckets.COUNT);
  private final AtomicIntegerArray ring;
  private final AtomicLong recorded = new AtomicLong();

  /**
   * Creates an empty window.
   *
   * @param size how many of the latest samples it holds, positive
   */
  WindowHistogram(int size) {
    Checks.requireArgument(size > 0, "size must be positive, was %s", size);
    this.size = size;
    this.ring = new AtomicIntegerArray(size);
  }

  /**
   * Adds a sample, dropping the oldest one when the window is full.
   *
   * @param bucket the sample's bucket, in {@code [0, LogLinearBuckets.COUNT)}
   * @return how many samples this window has recorded in all, this one included
   */
  long record(int bucket) {
    long sequence = claim(bucket);
    place(sequence, bucket);
    return sequence + 1;
  }

  /**
   * The first half of {@link #record}: claims the next sequence and counts the sample in its bucket. Until
   * {@link #place} puts it in the ring, the sample is counted but not in the ring, as while its writer is
   * between the two steps; readers must allow for that.
   *
   * @param bucket the sample's bucket
   * @return the sequence claimed, from 0
   */
  long claim(int bucket) {
    long sequence = recorded.getAndIncrement();
    // Count the new sample before it becomes visible in the ring. Guard against the race with a writer
    // that claims the same slot one lap later (sequence + size) and replaces our sample before we
    // counted it: had we counted after the swap, its decrement could run first and leave a count of -1.
    counts.getAndIncrement(bucket);
    return sequence;
  }

  /**
   * The second half of {@link #record}: puts a claimed sample in its ring slot and uncounts the sample it
   * replaces.
   *
   * @param sequence the sequence {@link #claim} returned
   * @param bucket the sample's bucket, as claimed
   */
  void place(long sequence, int bucket) {
    int replaced = ring.getAndSet((int) (sequence % size), bucket + 1);
    if (replaced != EMPTY) {
      // getAndSet hands each replaced sample to exactly one writer: no sample is uncounted twice.
      counts.getAndDecrement(replaced - 1);
    }
  }

  /**
   * Returns how many samples have been claimed in all, the ones still being recorded included.
   *
   * @return how many samples have been claimed in all
   */
  long recorded() {
    return recorded.get();
  }

  /**
   * Returns the lowest bucket above 0 that holds a sample now: the bucket of the smallest positive value.
   *
   * @return a finite bucket above 0, or -1 if every sample is 0 or censored
   */
  int lowestPositiveBucket() {
    for (int bucket = 1; bucket < LogLinearBuckets.FINITE; bucket++) {
      if (counts.getOpaque(bucket) > 0) {
        return bucket;
      }
    }
    return -1;
  }

  /**
   * Returns how many samples the window holds: the samples recorded, at most its size.
   *
   * @return how many samples the window holds: the samples recorded, at most its size
   */
  long samples() {
    return Math.min(recorded.get(), size);
  }

  /**
   * Returns how many samples of the window are in a bucket now.
   *
   * @param bucket a bucket, in {@code [0, LogLinearBuckets.COUNT)}
   * @return its count
   */
  long count(int bucket) {
    return counts.get(bucket);
  }

  /**
   * Returns how many samples in the window are censored.
   *
   * @return how many samples in the window are censored
   */
  long censored() {
    return Math.max(0, counts.get(LogLinearBuckets.CENSORED));
  }

  /**
   * Counts the buckets of the latest {@code n} samples (at most the samples held) into {@code into},
   * which it clears first. A sample still being recorded may be missed, or counted as the sample it is
   * replacing: under load the result may be off by the samples in flight. In the window's first lap,
   * while the ring still has empty slots, the latest {@code n} sequences may all be claimed by writers
   * that have not placed their samples yet: then nothing is counted.
   *
   * @param n how many of the latest samples to count, positive
   * @param into per-bucket counts, {@code LogLinearBuckets.COUNT} long
   * @return how many samples were counted
   */
  long countLatest(int n, long[] into) {
    Arrays.fill(into, 0);
    long end = recorded.get();
    long counted = 0;
    for (long sequence = Math.max(0, end - Math.min(n, size)); sequence < end; sequence++) {
      int slot = ring.get((int) (sequence % size));
      if (slot != EMPTY) {
        into[slot - 1]++;
        counted++;
      }
    }
    return counted;
  }

  /**
   * Returns the bucket of the {@code q} quantile of the whole window, as {@link #quantileBucket(IntToLongFunction,
   * long, double)} defines it.
   *
   * @param q the quantile, in {@code [0, 1]}
   * @return a finite bucket, {@code CENSORED} when the quantile is censored, or -1 with no samples
   */
  int quantileBucket(double q) {
    return quantileBucket(counts::get, samples(), q);
  }

  /**
   * Finds the buckets of two ranks of the whole window, as {@link #bucketAtRank(IntToLongFunction, long)}
   * would, in one scan that stops at the larger rank: {@code into[0]} for {@code first}, {@code into[1]} for {@code second}.
   * Counts are read with opaque reads (no ordering between buckets is needed: the counts of a window being
   * recorded into are approximate anyway, see the class comment).
   *
   * @param first a 1-based rank, positive
   * @param second a 1-based rank, positive
   * @param into receives the two buckets, each finite or {@code CENSORED}; at least 2 long
   */
  void bucketsAtRanks(long first, long second, int[] into) {
    int firstBucket = LogLinearBuckets.CENSORED;
    int secondBucket = LogLinearBuckets.CENSORED;
    long last = Math.max(first, second);
    long seen = 0;
    for (int bucket = 0; bucket < LogLinearBuckets.FINITE && seen < last; bucket++) {
      seen += counts.getOpaque(bucket);
      if (firstBucket == LogLinearBuckets.CENSORED && seen >= first) {
        firstBucket = bucket;
      }
      if (secondBucket == LogLinearBuckets.CENSORED && seen >= second) {
        secondBucket = bucket;
      }
    }
    into[0] = firstBucket;
    into[1] = secondBucket;
  }

  /**
   * Returns the bucket of the sample of the given rank (1 = the smallest) among the finite samples
   * followed by the censored ones, or {@link LogLinearBuckets#CENSORED} if the rank falls among the
   * censored samples or beyond the samples counted.
   *
   * @param counts the count of each bucket
   * @param rank a 1-based rank, positive
   * @return a finite bucket, or {@code CENSORED}
   */
  static int bucketAtRank(IntToLongFunction counts, long rank) {
    long seen = 0;
    for (int bucket = 0; bucket < LogLinearBuckets.FINITE; bucket++) {
      seen += counts.applyAsLong(bucket);
      if (seen >= rank) {
        return bucket;
      }
    }
    return LogLinearBuckets.CENSORED;
  }

  /**
   * Returns the bucket of the {@code q} quantile of {@code n} samples, censored samples counted as longer
   * than any other, as in "at most {@code floor((1 - q) * n)} of the {@code n} samples are above it".
   *
   * @param counts the count of each bucket
   * @param n how many samples the counts hold
   * @param q the quantile, in {@code [0, 1]}
   * @return a finite bucket, {@code CENSORED} when the quantile is censored, or -1 with no samples
   */
  static int quantileBucket(IntToLongFunction counts, long n, double q) {
    if (n == 0) {
      return -1;
    }
    return bucketAtRank(counts, quantileRank(n, q));
  }

  /**
   * Returns the rank (1 = the smallest) of the {@code q} quantile of {@code n} samples: {@code n} minus
   * the at most {@code floor((1 - q) * n)} samples above it, at least 1.
   *
   * @param n how many samples, positive
   * @param q the quantile, in {@code [0, 1]}
   * @return its 1-based rank
   */
  static long quantileRank(long n, double q) {
    // rank = n - floor((1 - q) n); the epsilon keeps 1 - 0.95 = 0.0500000000000000444 from losing a rank.
    long above = (long) Math.floor((1 - q) * n + 1e-9);
    return Math.max(1, n - above);
  }
}
