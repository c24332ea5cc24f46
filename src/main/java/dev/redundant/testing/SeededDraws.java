package dev.redundant.testing;

import java.util.SplittableRandom;

/**
 * Reproducible random numbers for the kit's fakes and simulators: every draw of call {@code i} is a pure
 * function of the seed and {@code i}, so outcomes do not depend on timing or on which thread calls.
 * Stateless.
 */
final class SeededDraws {
  /** The increment of {@link SplittableRandom}'s seed at each draw; also mixes call indexes. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private SeededDraws() {}

  /**
   * Returns a generator of its own for call {@code index} of a simulator seeded with {@code seed}, for a
   * call that draws as many numbers as it needs.
   */
  static SplittableRandom forCall(long seed, long index) {
    // SplittableRandom mixes its seed, so neighbouring indexes give unrelated sequences.
    return new SplittableRandom(seed ^ (index * GOLDEN_GAMMA));
  }

  /**
   * Returns a number uniform in [0, 1) for draw 1 (the roll) or 2 (the latency) of a call: the same
   * numbers {@code new SplittableRandom(seed).nextDouble()} yields at positions {@code 2 * call + 1}
   * and {@code 2 * call + 2}, computed directly, without shared state.
   */
  static double unit(long seed, long call, int draw) {
    // A SplittableRandom adds GOLDEN_GAMMA to its seed before each draw: position p of the sequence of
    // seed s is the first draw of the generator seeded with s + (p - 1) * GOLDEN_GAMMA.
    return new SplittableRandom(seed + (2 * call + draw - 1) * GOLDEN_GAMMA).nextDouble();
  }

  /** Returns a value in [min, max), {@code fraction} of the way from min to max. */
  static long between(long min, long max, double fraction) {
    return min + (long) (fraction * (max - min));
  }
}
