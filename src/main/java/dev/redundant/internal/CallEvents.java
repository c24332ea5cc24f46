package dev.redundant.internal;

import dev.redundant.Attempt.Trigger;
import dev.redundant.HedgeListener.CallSummary;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The listener's side of one call, for a policy with a listener (a call without one has none, and does no
 * event work): orders the call's {@code onCallFinished} after every other event of the call.
 *
 * <h2>onCallFinished after every other event of a call</h2>
 * The decider may finish while a launcher is still announcing an attempt it started (or cancelling one it
 * published after the decision), or while an attempt that owns its failure (or the clock that timed it
 * out) is about to report it. So the call counts those in flight:
 * <pre>
 *   pending = launches and reports in flight (the low bits) | FINISH | EMITTED
 *   a launcher: adds 1 before it reserves, subtracts it once each attempt was handed to the executor
 *               or dropped
 *   an attempt's report (its own outcome, or the clock's timeout of it): adds 1 before it takes
 *               ownership of the outcome, subtracts it once the listener was told
 *   the decider: writes winnerIndex (the winner, or -1 - CallEnd.ordinal()), then adds FINISH
 *   whoever brings the count to exactly FINISH emits, after a CAS FINISH ──▶ FINISH | EMITTED
 * </pre>
 * So the decider emits at once when nothing is in flight, else the last one in flight does; the CAS makes
 * exactly one of them emit when they end together. A report that starts after the decider's FINISH
 * cannot own an outcome: the decider cancelled every attempt it saw active, so the report finds its
 * attempt cancelled and tells nothing.
 *
 * <p><b>Thread safety:</b> used by every thread of the call (attempts, launchers, the clock, the decider).
 */
final class CallEvents {
  /** {@code pending}: the decider asked for onCallFinished. */
  private static final int FINISH = 1 << 30;
  /** {@code pending}: onCallFinished was emitted. */
  private static final int EMITTED = 1 << 29;
  private static final CallEnd[] CALL_ENDS = CallEnd.values();
  private static final VarHandle PENDING;

  static {
    try {
      PENDING = MethodHandles.lookup().findVarHandle(CallEvents.class, "pending", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The policy's listener, which every event of the call goes to. */
  final EventRelay relay;
  private final Race<?> call;
  @SuppressWarnings("UnusedVariable") // read and written through PENDING
  private volatile int pending;
  /** The winner's index, or -1 - CallEnd.ordinal(): written by the decider, published by its add of FINISH. */
  private int winnerIndex = -1;

  CallEvents(EventRelay relay, Race<?> call) {
    this.relay = relay;
    this.call = call;
  }

  /** Counts launches and reports in flight ({@code delta} of them start or end): onCallFinished waits for them. */
  void pending(int delta) {
    if ((int) PENDING.getAndAdd(this, delta) + delta == FINISH) {
      emitFinished();
    }
  }

  /**
   * The decider's request for onCallFinished of a call without a winner; see {@link #callFinished(int)}.
   *
   * @param how how the call ended
   */
  @SuppressWarnings("EnumOrdinal") // encoded in winnerIndex; decoded by outcome()
  void callFinished(CallEnd how) {
    callFinished(-1 - how.ordinal());
  }

  /**
   * The decider's request for onCallFinished: now if no launch is in flight, else by the last launcher.
   *
   * @param winner the winner's index, or {@code -1 - CallEnd.ordinal()} for a call without a winner
   */
  void callFinished(int winner) {
    winnerIndex = winner; // published by the add of FINISH
    if ((int) PENDING.getAndAdd(this, FINISH) + FINISH == FINISH) {
      emitFinished();
    }
  }

  private void emitFinished() {
    // Guard against race between the decider and launchers that end together: one emits.
    if (!PENDING.compareAndSet(this, FINISH, FINISH | EMITTED)) {
      return;
    }
    int n = call.publishedCount();
    int attempts = 0;
    int hedges = 0;
    int failovers = 0;
    for (int i = 0; i < n; i++) {
      AttemptRun run = call.published(i);
      if (run != null) {
        attempts++;
        hedges += run.isHedge() ? 1 : 0;
        failovers += run.trigger() == Trigger.FAILOVER ? 1 : 0;
      }
    }
    int winner = winnerIndex;
    relay.finished(new CallSummary(winner >= 0, attempts, hedges, Math.max(-1, winner),
        Duration.ofNanos(Math.max(0, call.now() - call.startNanos())), failovers, outcome(winner)));
  }

  /** The outcome that {@code winnerIndex} encodes: a winner's index, or {@code -1 - CallEnd.ordinal()}. */
  private static CallSummary.Outcome outcome(int winner) {
    if (winner >= 0) {
      return CallSummary.Outcome.SUCCEEDED;
    }
    return switch (CALL_ENDS[-1 - winner]) {
      case ALL_FAILED -> CallSummary.Outcome.ALL_FAILED;
      case FATAL -> CallSummary.Outcome.FATAL;
      case TIMEOUT -> CallSummary.Outcome.TIMED_OUT;
      case NO_BUDGET -> CallSummary.Outcome.DENIED_BY_BUDGET;
      case NO_TIME -> CallSummary.Outcome.SKIPPED_FOR_DEADLINE;
      case ABORTED -> CallSummary.Outcome.CANCELLED;
      case ERROR, CLOCK_FAILED -> CallSummary.Outcome.ERROR;
    };
  }
}
