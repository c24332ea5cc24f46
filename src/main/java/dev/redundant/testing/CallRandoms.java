package dev.redundant.testing;

import java.util.SplittableRandom;

/**
 * The random numbers of one simulated call: a pure function of the simulator's seed and the call's index,
 * so that call {@code i} does the same whatever the threads' interleaving.
 */
final class CallRandoms {
  private CallRandoms() {}

  /** Returns a generator for call {@code index} of a simulator seeded with {@code seed}. */
  static SplittableRandom forCall(long seed, long index) {
    // SplittableRandom mixes its seed, so neighbouring indexes give unrelated sequences.
    return new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
  }
}
