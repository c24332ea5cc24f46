package dev.redundant.internal;

/**
 * Learns, per policy, whether a caller that spins briefly before parking usually sees its call decided
 * (attempts that take microseconds: caches, in-memory replicas), or not (calls over a network). A racy
 * heuristic: plain reads and writes, lost updates are harmless, and nothing is written while the score
 * stays at a bound, so busy policies do not bounce its cache line between cores.
 */
final class SpinAdvisor {
  private static final int MAX_SCORE = 16;
  /** While the score is zero, one call in this many still spins, to notice a change of workload. */
  private static final int PROBE_EVERY = 64;

  private int score = MAX_SCORE / 2;
  private int probe;

  boolean shouldSpin() {
    return score > 0 || (++probe & (PROBE_EVERY - 1)) == 0;
  }

  void record(boolean decidedWhileSpinning) {
    int s = score;
    if (decidedWhileSpinning) {
      if (s < MAX_SCORE) {
        score = s + 1;
      }
    } else if (s > 0) {
      score = s - 1;
    }
  }
}
