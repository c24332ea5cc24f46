package dev.redundant.internal;

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
 * <p>A call's own events go through its {@link CallEvents}, which orders its {@code onCallFinished} last.
 *
 * <p><b>Thread safety:</b> immutable; the listener is called from attempt threads, the caller's thread
 * and the clock watcher, concurrently.
 */
final class EventRelay {
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

  private static void threw(String event, Throwable t) {
    try {
      Log.LOG.warn("HedgeListener.{} threw {}", event, Failures.describe(t), t);
    } catch (Throwable ignored) {
      // Guard against a failure whose printing throws inside the logging backend: the call goes on.
    }
  }
}
