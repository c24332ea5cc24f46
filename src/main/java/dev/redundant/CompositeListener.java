package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@link HedgeListener#of} returns: passes every event to each of its listeners in order. One
 * listener's exception does not keep the event from the others; the first is rethrown after all have run,
 * with the others suppressed, so the policy logs it as it logs any listener's exception. Immutable;
 * thread-safe when its listeners are.
 */
final class CompositeListener implements HedgeListener {
  private final List<HedgeListener> listeners;

  private CompositeListener(List<HedgeListener> listeners) {
    this.listeners = listeners;
  }

  static HedgeListener of(HedgeListener... listeners) {
    requireNonNull(listeners, "listeners");
    requireArgument(listeners.length > 0, "listeners must hold at least one listener");
    for (int i = 0; i < listeners.length; i++) {
      requireNonNull(listeners[i], "listeners[" + i + "]");
    }
    return listeners.length == 1 ? listeners[0] : new CompositeListener(List.of(listeners));
  }

  @Override
  public void onAttemptStarted(Attempt attempt) {
    tellEach(listener -> listener.onAttemptStarted(attempt));
  }

  @Override
  public void onHedgeStarted(Attempt attempt) {
    tellEach(listener -> listener.onHedgeStarted(attempt));
  }

  @Override
  public void onAttemptSucceeded(Attempt attempt, Duration duration) {
    tellEach(listener -> listener.onAttemptSucceeded(attempt, duration));
  }

  @Override
  public void onAttemptFailed(Attempt attempt, AttemptReport report) {
    tellEach(listener -> listener.onAttemptFailed(attempt, report));
  }

  @Override
  public void onAttemptCancelled(Attempt attempt) {
    tellEach(listener -> listener.onAttemptCancelled(attempt));
  }

  @Override
  public void onCallFinished(CallSummary summary) {
    tellEach(listener -> listener.onCallFinished(summary));
  }

  @SuppressWarnings("ReferenceEquality") // identity: one exception object thrown by two listeners
  private void tellEach(Consumer<HedgeListener> event) {
    RuntimeException first = null;
    for (HedgeListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else if (e != first) { // Guard against one exception object thrown by two listeners.
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "HedgeListener.of" + listeners;
  }
}
