package dev.redundant.examples;

import dev.redundant.Attempt;
import dev.redundant.HedgeListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the attempts, hedges and failovers a policy starts, per phase of the call they belong to: the
 * phase in which the call started, found from {@link Attempt#sinceCallStart()}. So a call and all its
 * attempts count in the same phase, and attempts of warm-up calls not at all, as the calls are counted.
 *
 * <p>Thread-safe: the listener's methods run on many threads at once.
 */
final class PhaseCounter implements HedgeListener {
  private final Timeline timeline;
  private final double timeScale;
  private volatile long originNanos = Long.MAX_VALUE; // nothing counts before the measurement starts
  private final LongAdder[] attempts = adders();
  private final LongAdder[] hedges = adders();
  private final LongAdder[] failovers = adders();

  /**
   * Creates a counter.
   *
   * @param timeline the phases
   * @param timeScale real seconds per scenario second
   */
  PhaseCounter(Timeline timeline, double timeScale) {
    this.timeline = timeline;
    this.timeScale = timeScale;
  }

  private static LongAdder[] adders() {
    LongAdder[] adders = new LongAdder[Phase.values().length];
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  /**
   * Starts the measurement.
   *
   * @param originNanos the {@link System#nanoTime()} reading of the measurement's time 0
   */
  void start(long originNanos) {
    this.originNanos = originNanos;
  }

  @Override
  public void onAttemptStarted(Attempt attempt) {
    count(attempts, attempt);
    if (attempt.trigger() == Attempt.Trigger.FAILOVER) {
      count(failovers, attempt);
    }
  }

  @Override
  public void onHedgeStarted(Attempt attempt) {
    count(hedges, attempt);
  }

  private void count(LongAdder[] adders, Attempt attempt) {
    long origin = originNanos;
    if (origin == Long.MAX_VALUE) {
      return;
    }
    // The policy runs on the system clock, so its call start is a System.nanoTime() reading.
    long callStart = System.nanoTime() - attempt.sinceCallStart().toNanos();
    double seconds = (callStart - origin) / 1e9 / timeScale;
    if (!timeline.measures(seconds)) {
      return;
    }
    adders[Phase.ALL.ordinal()].increment();
    Phase phase = timeline.phaseAt(seconds);
    if (phase != null) {
      adders[phase.ordinal()].increment();
    }
  }

  long attempts(Phase phase) {
    return attempts[phase.ordinal()].sum();
  }

  long hedges(Phase phase) {
    return hedges[phase.ordinal()].sum();
  }

  long failovers(Phase phase) {
    return failovers[phase.ordinal()].sum();
  }
}
