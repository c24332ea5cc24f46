package dev.redundant.internal;

/**
 * Decides whether a synchronous caller spins briefly before parking, and does the spin. Spinning pays when
 * attempts end within microseconds (caches, in-memory replicas): waking a parked platform thread costs
 * tens of microseconds on small VMs, and a virtual caller's timed park costs a timer. It does not pay for
 * calls over a network. The advisor learns which from the calls it sees: a score goes up when a spin saw
 * the call decided and down when it did not; at zero only one call in {@value #PROBE_EVERY} spins, to
 * notice a change of workload.
 *
 * <p>One advisor serves one policy and one task class ({@link PolicyRuntime#spinAdvisorFor}): a lambda's
 * class stands for its call site, so unrelated callers of a shared policy (such as
 * {@code Redundant.firstSuccess}, one policy per {@code n} for the whole JVM) do not train each other.
 *
 * <p><b>Thread safety:</b> a racy heuristic by design: plain reads and writes, lost updates are harmless,
 * and nothing is written while the score stays at a bound, so busy policies do not bounce its cache line
 * between cores.
 */
final class SpinAdvisor {
  static final int MAX_SCORE = 16;
  /** While the score is zero, one call in this many still spins, to notice a change of workload. */
  static final int PROBE_EVERY = 64;
  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;
  private static final int VIRTUAL_YIELDS = 2;
  private static final long PLATFORM_SPIN_NANOS = 10_000;

  /** The task class this advisor learns for; compared by identity to find the advisor again. */
  final Class<?> taskClass;
  private int score = MAX_SCORE / 2;
  private int probe;

  SpinAdvisor(Class<?> taskClass) {
    this.taskClass = taskClass;
  }

  /**
   * Spins or yields while {@code race} is undecided, if this advisor says spinning pays, and learns from
   * the result. A virtual caller yields its carrier to the attempts; a platform caller spins for a few
   * microseconds, on multiprocessors only.
   */
  @SuppressWarnings("ThreadPriorityCheck") // yielding is the point: a bounded spin before parking
  void spinWhileUnreleased(Race<?> race) {
    if (!shouldSpin()) {
      return;
    }
    if (Thread.currentThread().isVirtual()) {
      for (int i = 0; i < VIRTUAL_YIELDS && !race.isReleased(); i++) {
        Thread.yield();
      }
    } else if (MULTIPROCESSOR) {
      long deadline = System.nanoTime() + PLATFORM_SPIN_NANOS;
      for (int i = 1; !race.isReleased(); i++) {
        Thread.onSpinWait();
        if ((i & 63) == 0 && System.nanoTime() - deadline > 0) {
          break;
        }
      }
    }
    record(race.isReleased());
  }

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
