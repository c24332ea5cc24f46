package dev.redundant.testing;

/**
 * Reproducible random numbers for the kit's fakes: draw {@code d} of call {@code i} is a pure function
 * of the seed, {@code i} and {@code d}, so outcomes do not depend on timing or on which thread calls.
 * Stateless.
 */
final class SeededDraws {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private SeededDraws() {}

  /**
   * Returns a number uniform in [0, 1) for draw 1 (the roll) or 2 (the latency) of a call: the same
   * numbers {@code new SplittableRandom(seed).nextDouble()} yields at positions {@code 2 * call + 1}
   * and {@code 2 * call + 2}, computed directly, without shared state.
   */
  static double unit(long seed, long call, int draw) {
    long z = seed + (2 * call + draw) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /** Returns a value in [min, max), {@code fraction} of the way from min to max. */
  static long between(long min, long max, double fraction) {
    return min + (long) (fraction * (max - min));
  }
}
