package dev.redundant.internal;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * One attempt of a {@link Race}: the {@link Runnable} handed to the executor and the {@link Attempt} its
 * task sees. Its {@code state} decides, with one compare-and-set, who ends the attempt: the attempt itself
 * when its task returns, or the race when it cancels the attempt (a loser, a timeout, an aborted call).
 */
final class AttemptRun implements Runnable, Attempt {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(AttemptRun.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Task not finished, not cancelled. */
  private static final int ACTIVE = 0;
  /** The task returned or threw, and the attempt reported it to the race. */
  private static final int FINISHED = 1;
  /** Being cancelled: the canceller is interrupting the runner. */
  private static final int INTERRUPTING = 2;
  /** Cancelled; any interrupt was delivered. */
  private static final int CANCELLED = 3;

  private final Race<?> race;
  private final int index;
  private final Trigger trigger;
  final long startNanos;

  private volatile int state;
  /** The thread running the task, set before the task starts; read only by a canceller. */
  private volatile Thread runner;
  /** Whether a canceller interrupted the runner: written before {@code state} leaves INTERRUPTING. */
  private boolean interruptSent;

  // How the attempt ended: plain fields published by the volatile write of outcome.
  private long endNanos;
  private Throwable failure;
  private volatile AttemptReport.Outcome outcome;

  AttemptRun(Race<?> race, int index, Trigger trigger, long startNanos) {
    this.race = race;
    this.index = index;
    this.trigger = trigger;
    this.startNanos = startNanos;
  }

  @Override
  public void run() {
    runner = Thread.currentThread();
    try {
      if (state != ACTIVE) {
        // Cancelled before it ran: the task never starts.
        clearOwnInterrupt();
        return;
      }
      Object value = null;
      Throwable thrown = null;
      Object previousMdc = race.installMdc();
      try {
        value = race.invoke(this);
      } catch (Throwable t) {
        thrown = t;
      } finally {
        race.restoreMdc(previousMdc);
      }
      if (STATE.compareAndSet(this, ACTIVE, FINISHED)) {
        if (thrown == null) {
          race.onValue(this, value);
        } else {
          race.onFailure(this, AttemptReport.Outcome.FAILED, thrown);
        }
      } else {
        // Guard against race with cancel(): it owns the outcome, and its interrupt must not leak to
        // whatever this thread runs next.
        clearOwnInterrupt();
        if (thrown == null) {
          Race.discard(value);
        }
      }
    } finally {
      race.runEnded();
    }
  }

  /**
   * Ends an attempt that could not be handed to the executor.
   *
   * @param rejection what the executor threw
   */
  void launchFailed(Throwable rejection) {
    try {
      if (STATE.compareAndSet(this, ACTIVE, FINISHED)) {
        race.onFailure(this, AttemptReport.Outcome.FAILED, rejection);
      }
    } finally {
      race.runEnded();
    }
  }

  /**
   * Ends the attempt if it is still active: records the outcome and interrupts its thread.
   *
   * @param as {@code CANCELLED} or {@code TIMED_OUT}
   * @param cause the failure to record, or {@code null}
   * @return whether this call cancelled the attempt (false: it had ended already)
   */
  boolean cancel(AttemptReport.Outcome as, Throwable cause) {
    if (!STATE.compareAndSet(this, ACTIVE, INTERRUPTING)) {
      return false;
    }
    record(as, cause);
    Thread r = runner;
    if (r != null) {
      interruptSent = true;
      r.interrupt();
    }
    state = CANCELLED;
    return true;
  }

  /** Waits out a canceller still interrupting this thread, then clears the interrupt it sent. */
  private void clearOwnInterrupt() {
    while (state == INTERRUPTING) {
      Thread.yield();
    }
    if (interruptSent) {
      Thread.interrupted();
    }
  }

  void record(AttemptReport.Outcome how, Throwable cause) {
    endNanos = race.now();
    failure = cause;
    outcome = how;
  }

  /** Whether the task has neither finished nor been cancelled. */
  boolean isActive() {
    return state == ACTIVE;
  }

  /** How this attempt ended; an attempt still ending is reported as cancelled now. */
  AttemptReport report() {
    AttemptReport.Outcome how = outcome;
    if (how == null) {
      return new AttemptReport(index, AttemptReport.Outcome.CANCELLED,
          Duration.ofNanos(Math.max(0, race.now() - startNanos)), null);
    }
    return new AttemptReport(index, how, Duration.ofNanos(Math.max(0, endNanos - startNanos)), failure);
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public Trigger trigger() {
    return trigger;
  }

  @Override
  public Duration sinceCallStart() {
    return Duration.ofNanos(Math.max(0, race.now() - race.startNanos));
  }

  @Override
  public String toString() {
    return "Attempt[index=" + index + ", trigger=" + trigger + "]";
  }
}
