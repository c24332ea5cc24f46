package dev.redundant.internal;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport;
import dev.redundant.HedgeListener.CallSummary;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeListener;
import java.time.Duration;

/**
 * Hands one policy's events to its {@link HedgeListener}: one per policy, absent when the policy has no
 * listener, so that calls without one do no event work. A listener that throws is logged at WARN (the
 * only log above debug: nothing else would show the bug) and never breaks the call.
 *
 * <h2>onCallFinished after every other event of a call</h2>
 * A call's {@code onCallFinished} must come after every other event of that call, yet the decider may
 * finish while a launcher is still announcing an attempt it started (or cancelling one it published after
 * the decision), or while an attempt that owns its failure (or the clock that timed it out) is about to
 * report it. So each call counts those in flight in its own {@code Race.pendingEvents} field, through
 * {@link Race#eventsPending} and {@link Race#markFinishedEmitted} (no per-call object):
 * <pre>
 *   pendingEvents = launches and reports in flight (the low bits) | FINISH | EMITTED
 *   a launcher: adds 1 before it reserves, subtracts it once each attempt was handed to the executor
 *               or dropped
 *   an attempt's report (its own outcome, or the clock's timeout of it): adds 1 before it takes
 *               ownership of the outcome, subtracts it once the listener was told
 *   the decider: writes Race.winnerIndex (the winner, or -1 - CallEnd.ordinal()), then adds FINISH
 *   whoever brings the count to exactly FINISH emits, after a CAS FINISH ──▶ FINISH | EMITTED
 * </pre>
 * So the decider emits at once when nothing is in flight, else the last one in flight does; the CAS makes
 * exactly one of them emit when they end together. A report that starts after the decider's FINISH
 * cannot own an outcome: the decider cancelled every attempt it saw active, so the report finds its
 * attempt cancelled and tells nothing.
 *
 * <p><b>Thread safety:</b> immutable; the listener is called from attempt threads, the caller's thread
 * and the clock watcher, concurrently.
 */
final class EventRelay {
  /** {@code Race.pendingEvents}: the decider asked for onCallFinished. */
  private static final int FINISH = 1 << 30;
  /** {@code Race.pendingEvents}: onCallFinished was emitted. */
  private static final int EMITTED = 1 << 29;
  private static final CallEnd[] CALL_ENDS = CallEnd.values();

  private final HedgeListener listener;

  EventRelay(HedgeListener listener) {
    this.listener = listener;
  }

  void started(AttemptRun run) {
    try {
      listener.onAttemptStarted(run);
    } catch (Throwable t) {
      threw("onAttemptStarted", t);
    }
    if (run.isHedge()) {
      try {
        listener.onHedgeStarted(run);
      } catch (Throwable t) {
        threw("onHedgeStarted", t);
      }
    }
  }

  void succeeded(AttemptRun run, Duration ran) {
    try {
      listener.onAttemptSucceeded(run, ran);
    } catch (Throwable t) {
      threw("onAttemptSucceeded", t);
    }
  }

  void failed(AttemptRun run, AttemptReport report) {
    try {
      listener.onAttemptFailed(run, report);
    } catch (Throwable t) {
      threw("onAttemptFailed", t);
    }
  }

  void cancelled(AttemptRun run) {
    try {
      listener.onAttemptCancelled(run);
    } catch (Throwable t) {
      threw("onAttemptCancelled", t);
    }
  }

  void skipped(SkippedAttempt skipped) {
    try {
      listener.onAttemptSkipped(skipped);
    } catch (Throwable t) {
      threw("onAttemptSkipped", t);
    }
  }

  void finished(CallSummary summary) {
    try {
      listener.onCallFinished(summary);
    } catch (Throwable t) {
      threw("onCallFinished", t);
    }
  }

  // ---------------------------------------------------------------- onCallFinished after every other event

  /** Counts launches and reports in flight of {@code call} ({@code delta} of them start or end): onCallFinished waits for them. */
  void pending(Race<?> call, int delta) {
    if (call.eventsPending(delta) == FINISH) {
      emitFinished(call);
    }
  }

  /**
   * The decider's request for onCallFinished of a call without a winner; see {@link #callFinished(Race, int)}.
   *
   * @param how how the call ended
   */
  @SuppressWarnings("EnumOrdinal") // encoded in the int the decider hands to the emitter; decoded by outcome()
  void callFinished(Race<?> call, CallEnd how) {
    callFinished(call, -1 - how.ordinal());
  }

  /**
   * The decider's request for onCallFinished: now if no launch is in flight, else by the last launcher.
   *
   * @param winner the winner's index, or {@code -1 - CallEnd.ordinal()} for a call without a winner
   */
  void callFinished(Race<?> call, int winner) {
    call.winnerIndex = winner; // published by the add of FINISH
    if (call.eventsPending(FINISH) == FINISH) {
      emitFinished(call);
    }
  }

  private void emitFinished(Race<?> call) {
    // Guard against race between the decider and launchers that end together: one emits.
    if (!call.markFinishedEmitted(FINISH, EMITTED)) {
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
    int winner = call.winnerIndex;
    finished(new CallSummary(winner >= 0, attempts, hedges, Math.max(-1, winner),
        Duration.ofNanos(Math.max(0, call.now() - call.startNanos())), failovers, outcome(winner)));
  }

  /** The outcome that {@code Race.winnerIndex} encodes: a winner's index, or {@code -1 - CallEnd.ordinal()}. */
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

  private static void threw(String event, Throwable t) {
    try {
      Log.LOG.warn("HedgeListener.{} threw {}", event, Failures.describe(t), t);
    } catch (Throwable ignored) {
      // Guard against a failure whose printing throws inside the logging backend: the call goes on.
    }
  }
}
