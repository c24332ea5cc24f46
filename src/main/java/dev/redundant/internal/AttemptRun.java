package dev.redundant.internal;

import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.RejectedResultException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a {@link Race}: the {@link Runnable} handed to the executor and the {@link Attempt} its
 * task sees. Its {@code state} decides, with one compare-and-set, who ends the attempt: the attempt
 * itself once its task returned or threw <em>and</em> the policy's predicates classified the outcome, or
 * the race when it cancels the attempt (a loser, a timeout, an ended call). See {@link Race} for the
 * transitions and which thread may make each.
 *
 * <p>Each side records its end in fields of its own, written before its state write publishes them, so
 * that a report never mixes the two and never misses an outcome: {@code finish*} by the attempt before its
 * CAS to {@code FINISHED}; {@code cancel*} by the canceller between its CAS to {@code INTERRUPTING} and
 * its write of {@code CANCELLED}, a window in which it runs no user code.
 *
 * <p><b>Thread safety:</b> the {@link Attempt} methods may be called from any thread; the rest is
 * package-private engine state guarded as described above.
 */
final class AttemptRun implements Runnable, Attempt {
  private static final VarHandle STATE;
  private static final VarHandle RUNNER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(AttemptRun.class, "state", int.class);
      RUNNER = lookup.findVarHandle(AttemptRun.class, "runner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Task not finished, not cancelled (it may be classifying its outcome). */
  static final int ACTIVE = 0;
  /** The attempt ended itself: its outcome is classified and recorded in the finish fields. */
  static final int FINISHED = 1;
  /** Being cancelled: the canceller is recording and interrupting the runner. */
  static final int INTERRUPTING = 2;
  /** Cancelled; any interrupt was delivered. */
  static final int CANCELLED = 3;

  /** The {@code runner} of an attempt whose launch failed before it ran: it must never run. */
  private static final Thread NEVER_RUN = Thread.ofVirtual().unstarted(() -> { });

  private final Race<?> race;
  private final int index;
  private final Trigger trigger;
  final long startNanos;
  /** The replica chosen for this attempt, or {@link Attempt#NOT_ROUTED}. */
  private final int replica;
  /** Whether this routed attempt's outcome updates its replica's estimates (see {@link ReplicaRouter#started}). */
  private final boolean observed;

  private volatile int state;
  /** null until the run starts; then its thread, or NEVER_RUN if the launch failed first. */
  private volatile @Nullable Thread runner;
  /** Whether a canceller interrupted the runner: written before {@code state} leaves INTERRUPTING. */
  private boolean interruptSent;
  /** A staged attempt's stage once its task returned it, for a canceller to cancel; else null. */
  private volatile @Nullable CompletionStage<?> stage;

  // The attempt's own end; published by the CAS to FINISHED. A null outcome: it returned a value.
  private long finishNanos;
  private @Nullable Outcome finishOutcome;
  private @Nullable Throwable finishFailure;
  // The canceller's end; published by the write of CANCELLED.
  private long cancelNanos;
  private @Nullable Outcome cancelOutcome;
  private @Nullable Throwable cancelFailure;

  /**
   * @param routed {@link Attempt#NOT_ROUTED}, or the replica's index as {@link ReplicaRouter#started}
   *     returned it, with {@link ReplicaRouter#OBSERVED} if observed
   */
  AttemptRun(Race<?> race, int index, Trigger trigger, long startNanos, int routed) {
    this.race = race;
    this.index = index;
    this.trigger = trigger;
    this.startNanos = startNanos;
    this.replica = routed == NOT_ROUTED ? NOT_ROUTED : routed & ~ReplicaRouter.OBSERVED;
    this.observed = routed != NOT_ROUTED && (routed & ReplicaRouter.OBSERVED) != 0;
  }

  @Override
  public void run() {
    if (race.isStaged()) {
      runStaged();
      return;
    }
    if (!RUNNER.compareAndSet(this, null, Thread.currentThread())) {
      return; // Guard against race with launchFailed(): it accounted for this run, which must not start.
    }
    Object previousMdc = null;
    try {
      if (state != ACTIVE) {
        return; // cancelled before it ran: the task never starts
      }
      previousMdc = CallerMdc.install(race.copyMdc(), race.callerMdc());
      @Nullable Object value = null;
      Throwable thrown = null;
      try {
        value = race.invoke(this);
      } catch (Throwable t) {
        thrown = t;
      }
      // Classified and reported with the caller's MDC still installed, so that predicates and
      // listeners log with it.
      if (thrown == null) {
        returned(value);
      } else {
        threw(thrown);
      }
    } finally {
      try {
        if (state != FINISHED) {
          // Guard against race with cancel(): its interrupt must not leak to what this thread runs next.
          clearOwnInterrupt();
        }
        CallerMdc.restore(previousMdc);
      } finally {
        race.runEnded();
      }
    }
  }

  /**
   * Starts a staged attempt on the launching thread: invokes the task for its stage, then returns; the
   * stage's completion reports the outcome ({@link #stageCompleted}). No thread of the attempt exists, so
   * none is interrupted: a canceller cancels the stage instead.
   */
  private void runStaged() {
    // runner stays null: its thread is the launcher's, which a canceller must never interrupt.
    if (state != ACTIVE) {
      race.runEnded(); // cancelled before it started: the task is never invoked
      return;
    }
    CompletionStage<?> started;
    // The first attempt starts on the caller's thread, in the MDC the call copied: nothing to install.
    boolean onCaller = trigger == Trigger.FIRST;
    Object previousMdc = onCaller ? null : CallerMdc.install(race.copyMdc(), race.callerMdc());
    try {
      started = race.invokeStage(this);
      if (started == null) {
        throw new NullPointerException("The StageTask of attempt " + index + " returned null, not a stage");
      }
    } catch (Throwable t) {
      try {
        threw(t);
      } finally {
        CallerMdc.restore(previousMdc);
        race.runEnded();
      }
      return;
    }
    CallerMdc.restore(previousMdc);
    if (started instanceof CompletableFuture<?> done && done.isDone() && !done.isCancelled()) {
      // An answer already there (a cache hit): taken as it is, with no dependent stage to allocate.
      if (done.isCompletedExceptionally()) {
        stageCompleted(null, done.exceptionNow(), onCaller);
      } else {
        stageCompleted(done.resultNow(), null, onCaller);
      }
      return;
    }
    stage = started;
    if (state != ACTIVE) {
      // Guard against race with cancel(): it ran before the stage was stored, and could not cancel it.
      cancelStage(started);
    }
    started.whenComplete(this::stageCompleted);
  }

  /** A staged attempt's stage completed, on the thread that completed it. */
  private void stageCompleted(@Nullable Object value, @Nullable Throwable failure) {
    stageCompleted(value, failure, false);
  }

  /**
   * A staged attempt's stage completed.
   *
   * @param inCallerMdc whether this runs on the caller's thread, in the call's MDC, as it starts
   */
  private void stageCompleted(@Nullable Object value, @Nullable Throwable failure, boolean inCallerMdc) {
    Object previousMdc = null;
    try {
      if (failure != null && state != ACTIVE) {
        return; // cancelled (most likely by us): nothing to report
      }
      previousMdc = inCallerMdc ? null : CallerMdc.install(race.copyMdc(), race.callerMdc());
      if (failure == null) {
        returned(value);
      } else {
        threw(failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure);
      }
    } finally {
      CallerMdc.restore(previousMdc);
      race.runEnded();
    }
  }

  /**
   * The task returned {@code value}; the attempt is still active. Classified here ({@code rejectIf}),
   * then it tries to win, unless rejected or cancelled meanwhile. Its report is counted as an event in
   * flight ({@link Race#pending}): the call's {@code onCallFinished} waits for whatever it tells the
   * listener.
   */
  private void returned(@Nullable Object value) {
    race.pending(1);
    try {
      long endNanos = race.valueEndNanos(index, observed); // read before anything else runs
      RejectedResultException rejection = race.config().rejection(index, value);
      if (rejection != null) {
        boolean own = finish(Outcome.REJECTED, rejection);
        race.discard(value);
        if (own) {
          race.attemptFailed(this, Outcome.REJECTED, rejection, null, null);
        }
      } else if (finish(null, null)) {
        race.attemptSucceeded(this, value, endNanos);
      } else {
        race.discard(value); // cancelled while it returned: a loser
      }
    } finally {
      race.pending(-1);
    }
  }

  /**
   * The task threw {@code thrown} (or the executor refused the attempt); the attempt is still active.
   * Classified here: a JVM error or an {@code AssertionError} ends the call whatever the policy says, a
   * failure its {@code fatalIf} matches ends it too, any other fails over. Reported as in {@link #returned}.
   */
  private void threw(Throwable thrown) {
    race.pending(1);
    try {
      CallEnd ends;
      Throwable predicateFailure = null;
      if (Failures.endsTheCall(thrown)) {
        ends = CallEnd.ERROR;
      } else {
        try {
          ends = race.config().fatal.test(thrown) ? CallEnd.FATAL : null;
        } catch (Throwable t) {
          // Never mutate the task's exception: the predicate's failure goes on the library's own exception.
          ends = CallEnd.FATAL;
          predicateFailure = t;
        }
      }
      if (finish(Outcome.FAILED, thrown)) {
        race.attemptFailed(this, Outcome.FAILED, thrown, ends, predicateFailure);
      }
    } finally {
      race.pending(-1);
    }
  }

  /** Cancels a staged attempt's stage with {@code cancel(true)}; a stage that refuses is left alone. */
  private static void cancelStage(CompletionStage<?> stage) {
    try {
      if (stage instanceof Future<?> future) {
        future.cancel(true);
      } else {
        stage.toCompletableFuture().cancel(true);
      }
    } catch (Throwable refused) {
      // Guard against a stage whose cancel throws (toCompletableFuture may be unsupported): the attempt
      // is ended for the call all the same, and its late outcome is discarded.
    }
  }

  /**
   * Ends an attempt whose hand-over to the executor threw.
   *
   * @param rejection what the executor threw
   */
  void launchFailed(Throwable rejection) {
    if (RUNNER.compareAndSet(this, null, NEVER_RUN)) {
      try {
        threw(rejection); // classified like a failure of the task: it may be fatal
      } finally {
        race.runEnded(); // the run never starts: account for it here
      }
      return;
    }
    // Guard against race with run(): the executor ran the attempt and also threw (a ThreadFactory that
    // returned a thread it had started). run() accounts for the run's end; here the attempt fails with a
    // clear failure and its task is interrupted.
    RejectedExecutionException clear = new RejectedExecutionException("The executor ran attempt " + index
        + " and also threw; does the ThreadFactory return threads it has started?", rejection);
    if (cancel(Outcome.FAILED, clear, race.now())) {
      race.attemptFailed(this, Outcome.FAILED, clear, null, null);
    }
  }

  /**
   * Ends the attempt for its task's outcome, unless it was cancelled first.
   *
   * @param how {@code null} for a value, else {@code FAILED} or {@code REJECTED}
   * @param failure the failure to report, or {@code null} for a value
   * @return whether this attempt ended itself (false: a canceller owns its outcome)
   */
  boolean finish(@Nullable Outcome how, @Nullable Throwable failure) {
    if (how != null) { // a value needs no end time of its own: it wins, or is reported as cancelled
      finishNanos = race.now();
      finishOutcome = how;
      finishFailure = failure;
    }
    if (!STATE.compareAndSet(this, ACTIVE, FINISHED)) {
      return false;
    }
    if (how != null && replica != NOT_ROUTED) {
      replicaEnded(how, false, finishNanos); // a value's replica learns it once the race says if it won
    }
    return true;
  }

  /**
   * This routed attempt ended, once, on the thread that ended it: its replica learns how.
   *
   * @param how {@code null} for a value, else how it ended
   * @param won whether its value won the call
   * @param endNanos when it ended
   */
  void replicaEnded(@Nullable Outcome how, boolean won, long endNanos) {
    requireNonNull(race.config().replicas, "replicas")
        .ended(replica, how, won, observed, Nanos.since(endNanos, startNanos), endNanos);
  }

  /**
   * Ends the attempt if it is still active: records the outcome and interrupts its thread. Runs no user
   * code between leaving ACTIVE and writing CANCELLED: {@code now} is read by the caller beforehand.
   *
   * @param as {@code CANCELLED}, {@code TIMED_OUT} or {@code FAILED}
   * @param cause the failure to record, or {@code null}
   * @param now the clock's reading, for the report
   * @return whether this call cancelled the attempt (false: it had ended already)
   */
  boolean cancel(Outcome as, @Nullable Throwable cause, long now) {
    if (!STATE.compareAndSet(this, ACTIVE, INTERRUPTING)) {
      return false;
    }
    try {
      cancelNanos = now;
      cancelOutcome = as;
      cancelFailure = cause;
      Thread r = runner;
      if (r != null && r != NEVER_RUN) { // null for a staged attempt, whose launcher is not its own
        interruptSent = true;
        r.interrupt();
      }
    } finally {
      state = CANCELLED;
    }
    if (replica != NOT_ROUTED) {
      replicaEnded(as, false, now);
    }
    CompletionStage<?> s = stage;
    if (s != null) {
      cancelStage(s); // after CANCELLED: cancelling runs the stage's dependents, which are user code
    }
    return true;
  }

  /** Waits out a canceller still interrupting this thread, then clears the interrupt it sent. */
  @SuppressWarnings("ThreadPriorityCheck") // a short spin while a canceller leaves INTERRUPTING; no lock to wait on
  private void clearOwnInterrupt() {
    while (state == INTERRUPTING) {
      Thread.yield();
    }
    if (interruptSent) {
      Thread.interrupted();
    }
  }

  /** Whether the task has neither ended itself nor been cancelled. */
  boolean isActive() {
    return state == ACTIVE;
  }

  /** Whether the attempt ended itself with a value (which may have lost the decision). */
  boolean returnedValue() {
    return state == FINISHED && finishOutcome == null; // finishOutcome is written before the CAS to FINISHED
  }

  /** Whether a canceller ended this attempt. */
  boolean isCancelled() {
    return state >= INTERRUPTING;
  }

  /** How this attempt ended; an attempt still running, or whose value lost, is reported as cancelled. */
  AttemptReport report() {
    int s = state;
    while (s == INTERRUPTING) { // a few instructions of the canceller, no user code
      Thread.onSpinWait();
      s = state;
    }
    if (s == CANCELLED) {
      return new AttemptReport(index, requireNonNull(cancelOutcome, "cancelOutcome"), since(cancelNanos),
          cancelFailure, replica);
    }
    if (s == FINISHED && finishOutcome != null) {
      return new AttemptReport(index, finishOutcome, since(finishNanos), finishFailure, replica);
    }
    return new AttemptReport(index, Outcome.CANCELLED, since(race.now()), null, replica);
  }

  /** How long the attempt ran until {@code end}; never negative. */
  Duration since(long end) {
    return Duration.ofNanos(Math.max(0, end - startNanos));
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
  public int replicaIndex() {
    return replica;
  }

  @Override
  public Duration sinceCallStart() {
    return Duration.ofNanos(Math.max(0, race.now() - race.startNanos()));
  }

  @Override
  public String toString() {
    return "Attempt[index=" + index + ", trigger=" + trigger + (replica != NOT_ROUTED ? ", replica=" + replica : "") + "]";
  }
}
