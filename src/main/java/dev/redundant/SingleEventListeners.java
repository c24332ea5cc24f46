package dev.redundant;

import java.util.function.Consumer;

/**
 * The listeners of one event that {@link HedgeListener#onHedge}, {@link HedgeListener#onFailure} and
 * {@link HedgeListener#afterCall} return. Immutable; thread-safe when their action is.
 */
final class SingleEventListeners {
  private SingleEventListeners() {}

  /** Passes each hedge to its action. */
  record OnHedge(Consumer<? super Attempt> action) implements HedgeListener {
    @Override
    public void onHedgeStarted(Attempt attempt) {
      action.accept(attempt);
    }

    @Override
    public String toString() {
      return "HedgeListener.onHedge";
    }
  }

  /** Passes the report of each failed attempt to its action. */
  record OnFailure(Consumer<? super AttemptReport> action) implements HedgeListener {
    @Override
    public void onAttemptFailed(Attempt attempt, AttemptReport report) {
      action.accept(report);
    }

    @Override
    public String toString() {
      return "HedgeListener.onFailure";
    }
  }

  /** Passes the summary of each call to its action. */
  record AfterCall(Consumer<? super HedgeListener.CallSummary> action) implements HedgeListener {
    @Override
    public void onCallFinished(HedgeListener.CallSummary summary) {
      action.accept(summary);
    }

    @Override
    public String toString() {
      return "HedgeListener.afterCall";
    }
  }
}
