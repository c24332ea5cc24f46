package dev.redundant.examples;

import dev.redundant.Attempt;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeListener.SkippedAttempt;
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
  private final LongAdder[] deniedHedges = adders();
  private final LongAdder[] deniedFailovers = adders();

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

  @Override
  public void onAttemptSkipped(SkippedAttempt skipped) {
    if (skipped.reason() == SkippedAttempt.Reason.BUDGET) {
      count(skipped.trigger() == Attempt.Trigger.HEDGE ? deniedHedges : deniedFailovers, skipped.sinceCallStart());
    }
  }

  private void count(LongAdder[] adders, Attempt attempt) {
    count(adders, attempt.sinceCallStart());
  }

  private void count(LongAdder[] adders, java.time.Duration sinceCallStart) {
    long origin = originNanos;
    if (origin == Long.MAX_VALUE) {
      return;
    }
    // The policy runs on the system clock, so its call start is a System.nanoTime() reading.
    long callStart = System.nanoTime() - sinceCallStart.toNanos();
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

  /** Hedges the policy's budget denied, of calls started in the phase. */
  long deniedHedges(Phase phase) {
    return deniedHedges[phase.ordinal()].sum();
  }

  /** Failovers the policy's budget denied, of calls started in the phase. */
  long deniedFailovers(Phase phase) {
    return deniedFailovers[phase.ordinal()].sum();
  }

  /**
   * Describes what the budget denied in each phase, for the report.
   *
   * @return for example {@code "budget denied 12 hedges, 0 failovers (burst: 3, 0)"}, or null if nothing
   */
  String denials() {
    if (deniedHedges(Phase.ALL) + deniedFailovers(Phase.ALL) == 0) {
      return null;
    }
    StringBuilder text = new StringBuilder("budget denied ").append(deniedHedges(Phase.ALL)).append(" hedges, ")
        .append(deniedFailovers(Phase.ALL)).append(" failovers");
    String sep = " (";
    for (Phase phase : timeline.reported()) {
      if (phase != Phase.ALL) {
        text.append(sep).append(phase.label()).append(": ").append(deniedHedges(phase)).append(", ")
            .append(deniedFailovers(phase));
        sep = "; ";
      }
    }
    return sep.equals("; ") ? text.append(')').toString() : text.toString();
  }
}
