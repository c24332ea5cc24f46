package dev.redundant.internal;

import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt;
import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.HedgeListener.SkippedAttempt;
import dev.redundant.HedgeResult;
import dev.redundant.internal.loop.ClosedLoop;
import dev.redundant.internal.loop.LoopCall;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One call: the attempts it started, and the single decision of how it ends. Every public entry point
 * runs through {@link #call} or {@link #callAsync}; the map of the engine around it is in the
 * {@linkplain dev.redundant.internal package overview}.
 *
 * <h2>State of the call: {@code result}, then {@code released}</h2>
 * <pre>
 *   null ──CAS by the first accepted value──▶ the value (NIL for null; a Won)    a winner
 *   null ──CAS by end()──▶ DECIDING ──plain volatile write──▶ Ended               no winner
 *   then, by the same thread: bookkeeping ──▶ released = true ──▶ delivered
 * </pre>
 * (The encoding and its delivery: {@link Decision}.) Exactly one CAS from {@code null} succeeds; whoever
 * makes it (the <em>decider</em>) cancels every other published attempt, does the call's bookkeeping (the
 * closed loop's record, counts and deposit), sets {@code released}, delivers (wakes the waiter, settles the
 * future), then tells the listener. A caller returns, and a future completes, only once {@code released}:
 * so whoever sees the outcome sees every count of the call. A decided call never changes its outcome.
 * {@code Ended.ABORTED} marks a call its caller abandoned: nothing is delivered.
 *
 * <h2>State of an attempt: {@code AttemptRun.state}</h2>
 * <pre>
 *   ACTIVE ──CAS by its own thread, after its task ended and the predicates classified it──▶ FINISHED
 *   ACTIVE ──CAS by a canceller (decider, clock, launcher)──▶ INTERRUPTING ──write──▶ CANCELLED
 * </pre>
 * The side whose CAS succeeds owns the attempt's outcome and reports it (counts the failure, notifies the
 * listener); the other side discards what it has (a late value is discarded, a late failure dropped). A
 * canceller runs no user code between INTERRUPTING and CANCELLED (the clock is read beforehand), so
 * {@code INTERRUPTING} never lasts.
 *
 * <h2>The fields read together</h2>
 * <ul>
 * <li>Attempt {@code i} is published in {@code runs[i]} (volatile store) only after the listener was
 *     told it started, and a launcher that publishes re-reads {@code result} afterwards: either the
 *     decider sees and cancels it, or the launcher sees the decision and cancels it itself (both
 *     volatile; Dekker-style). So no attempt runs uncancelled past the decision.</li>
 * <li>{@code started} only grows and may run ahead of publication; readers skip unpublished slots (the
 *     reports list them as cancelled). {@code lastStartNanos} is written before the count grows and read
 *     after it, so the clock never computes a hedge from a stale start.</li>
 * <li>{@code failed} reaches {@code maxAttempts} exactly once, only when every attempt has ended with a
 *     failure; each attempt's failure is counted once, by its owner.</li>
 * <li>{@code running} (waitForLosers only) and {@code released}: the decider writes {@code released}
 *     then reads {@code running}; the last loser writes {@code running} then reads {@code released}, so
 *     one of them delivers.</li>
 * <li>With a listener, {@link CallEvents} counts launches and attempt reports in flight
 *     ({@link #pending}): {@code onCallFinished} comes after every other event of the call.</li>
 * </ul>
 *
 * <p>Nothing here blocks inside {@code synchronized}.
 *
 * @param <T> the call's value type
 */
public final class Race<T> implements ClockedCall, LoopCall {

  /** Tells {@link #call} and {@link #callAsync} to use the policy's timeout. */
  public static final long POLICY_LIMIT = -1;
  /** What {@link #reserve} returns when no attempt may start. */
  private static final int NONE = -1;

  private static final VarHandle RESULT;
  private static final VarHandle STARTED;
  private static final VarHandle FAILED;
  private static final VarHandle RUNNING;
  private static final VarHandle FIRST_RECORDED;
  private static final VarHandle TRIED_REPLICAS;
  private static final VarHandle LAST_START;
  private static final VarHandle RUNS = MethodHandles.arrayElementVarHandle(AttemptRun[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RESULT = lookup.findVarHandle(Race.class, "result", Object.class);
      STARTED = lookup.findVarHandle(Race.class, "started", int.class);
      FAILED = lookup.findVarHandle(Race.class, "failed", int.class);
      RUNNING = lookup.findVarHandle(Race.class, "running", int.class);
      FIRST_RECORDED = lookup.findVarHandle(Race.class, "firstRecorded", boolean.class);
      TRIED_REPLICAS = lookup.findVarHandle(Race.class, "triedReplicas", long.class);
      LAST_START = lookup.findVarHandle(Race.class, "lastStartNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PolicyRuntime config;
  /** The task: an {@link AttemptTask}, a {@link Callable} or a {@link StageTask}, as {@code kind} says. */
  private final Object task;
  private final TaskKind kind;
  private final @Nullable RaceFuture<T> future;
  /** The call's listener events, or null: the policy has no listener. */
  private final @Nullable CallEvents events;
  private final @Nullable Map<String, String> mdc;
  private final AttemptRun[] runs;
  private final long startNanos;
  /** The call's time limit from its start: the policy's timeout or the call's own; NEVER for none. */
  private final long timeoutNanos;
  /** Whether someone must watch the clock: the policy's hedges or timeouts, or a limit of the call's own. */
  private final boolean watchesClock;
  /** Whether the caller asked for a {@link HedgeResult}: the winner then decides with a {@link Decision.Won}. */
  private final boolean withResult;

  /** The call's {@link Decision}: null: undecided; NIL, a value or a Won: a winner; DECIDING, then an Ended: none. */
  private volatile @Nullable Object result;
  /**
   * Set by the decider once the call's bookkeeping is done (losers cancelled, the statistics' counts, the
   * budget's deposit, the adaptive record): only then is the outcome handed out, so that whoever sees it
   * sees every count of the call.
   */
  private volatile boolean released;
  /** Whether attempt 0's end was handed to the closed loop: exactly once, by whoever claims it. */
  private volatile boolean firstRecorded;
  /** Attempts reserved so far; attempt i lives in runs[i] once published. */
  private volatile int started;
  /** Attempts that failed (failed, rejected, timed out, not launched). */
  private volatile int failed;
  /** Attempts whose run has not returned yet; counted only for waitForLosers. */
  private volatile int running;
  /** The replicas the call's attempts were sent to, bit {@code i} for replica {@code i} (routing only). */
  private volatile long triedReplicas;
  /** Start time of the latest attempt: the next hedge delay counts from it. */
  private volatile long lastStartNanos;
  /** The thread to unpark when the call ends (the caller, or an asynchronous call's watcher), or null. */
  private volatile @Nullable Thread waiter;
  /** Set once a hedge was denied or skipped: the call starts no more hedges (failovers may still start). */
  private volatile boolean noMoreHedges;
  /** Why the latest failover was refused ({@code NO_BUDGET} or {@code NO_TIME}), or null. */
  private volatile @Nullable CallEnd failoverRefused;

  private Race(PolicyRuntime config, Object task, TaskKind kind, @Nullable RaceFuture<T> future, long limitNanos,
      boolean withResult) {
    this.config = config;
    this.task = task;
    this.kind = kind;
    this.future = future;
    this.mdc = config.copyMdc ? MDC.getCopyOfContextMap() : null;
    this.runs = new AttemptRun[config.maxAttempts];
    this.timeoutNanos = limitNanos == POLICY_LIMIT ? config.timeoutNanos : limitNanos;
    this.watchesClock = config.watchesClock || timeoutNanos != Nanos.NEVER;
    this.withResult = withResult;
    this.events = config.events == null ? null : new CallEvents(config.events, this);
    this.startNanos = config.clock.read(); // a throwing clock fails the call before anything starts
  }

  // ---------------------------------------------------------------- entry points

  /**
   * Runs a call with settings of its own on the calling thread and waits for its outcome.
   *
   * @param config the policy
   * @param task the task, a blocking one ({@code ATTEMPT_TASK} or {@code CALLABLE})
   * @param kind what the task is
   * @param limitNanos the call's time limit from its start (positive, or {@link Nanos#NEVER}), or
   *     {@link #POLICY_LIMIT} for the policy's timeout
   * @param withResult whether to return a {@link HedgeResult} instead of the bare value
   * @return the winner's value, or its {@link HedgeResult}
   * @throws InterruptedException if the caller was interrupted before a winner (or on entry)
   */
  // T is the value, or HedgeResult when withResult: one cast, checked by the callers
  @SuppressWarnings("TypeParameterUnusedInFormals")
  public static <T> T call(PolicyRuntime config, Object task, TaskKind kind, long limitNanos, boolean withResult)
      throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Race<T> race = new Race<>(config, task, kind, null, limitNanos, withResult);
    race.waiter = Thread.currentThread();
    race.begin();
    return race.await();
  }

  /**
   * Starts a call with settings of its own and returns its future at once.
   *
   * @param config the policy
   * @param task the task, of any kind
   * @param kind what the task is
   * @param limitNanos as for {@link #call(PolicyRuntime, Object, TaskKind, long, boolean)}
   * @param withResult whether the future completes with a {@link HedgeResult} instead of the bare value
   * @return a future that cancels the call's attempts when cancelled or completed by its holder
   */
  public static <T> CompletableFuture<T> callAsync(PolicyRuntime config, Object task, TaskKind kind, long limitNanos,
      boolean withResult) {
    RaceFuture<T> future = new RaceFuture<>();
    Race<T> race = new Race<>(config, task, kind, future, limitNanos, withResult);
    future.race = race;
    if (race.watchesClock && race.events != null) {
      future.createWatcher();
    }
    race.begin();
    if (race.watchesClock && race.result == null) {
      future.watchWhenDue();
    }
    return future;
  }

  // ---------------------------------------------------------------- starting attempts

  /**
   * Starts the call: its first attempt, and with it every following one whose hedge delay is zero (each
   * unless {@link ClosedLoop#mayLaunch} refuses). See {@link #launch}.
   */
  private void begin() {
    pending(1); // every event of the call's start comes before its onCallFinished
    try {
      config.closedLoop.callStarted(this);
      launch(Trigger.FIRST, startNanos);
    } finally {
      pending(-1);
    }
  }

  /**
   * Starts a hedge or a failover, and with it every following attempt whose hedge delay is zero.
   *
   * @return whether an attempt was started
   */
  private boolean launchNext(Trigger trigger) {
    pending(1);
    try {
      return launch(trigger, now());
    } finally {
      pending(-1);
    }
  }

  /**
   * The launch protocol, the one way any attempt starts: <em>reserve</em> an index ({@link #reserve}),
   * <em>publish</em> the attempt there, announced ({@link #publish}), then <em>start</em> it
   * ({@link #start}); then the same for each following attempt whose hedge delay is zero. At the call's
   * start ({@code FIRST}) every attempt is published before any starts, so attempts that start with the
   * call start together, and the first is announced before a hedge is asked for; nothing else can launch
   * then, so their indices are 0, 1, ... Later, each starts as soon as it is published.
   *
   * @return whether an attempt was reserved
   */
  private boolean launch(Trigger trigger, long now) {
    int index = reserve(trigger, now);
    if (index < 0) {
      return false;
    }
    boolean together = trigger == Trigger.FIRST;
    AttemptRun run = publish(index, trigger, together, now);
    if (!together) {
      start(run, now);
    }
    int last = index;
    while (last + 1 < config.maxAttempts && hedgeDelayNanos(last + 1) == 0) {
      int next = reserve(Trigger.HEDGE, now);
      if (next == NONE) {
        break;
      }
      run = publish(next, Trigger.HEDGE, together, now);
      if (!together) {
        start(run, now);
      }
      last = next;
    }
    if (together) {
      for (int i = 0; i <= last; i++) {
        start(runs[i], now);
      }
    }
    return true;
  }

  /**
   * Reserves the next attempt index, or returns {@link #NONE} when the call has ended, used every attempt
   * or may not launch. Permission ({@link ClosedLoop#mayLaunch}) is asked once, for the first index tried
   * (the first attempt needs none): a lost CAS (another launcher took that index) retries with the
   * permission held, so a budget token is never spent twice.
   */
  private int reserve(Trigger trigger, long now) {
    boolean allowed = trigger == Trigger.FIRST;
    for (;;) {
      int n = started;
      // Guard against race with a decision or another launcher between the permission and the CAS: a
      // token granted then is not refunded (it errs on the side of less load).
      if (n >= config.maxAttempts || result != null) {
        return NONE;
      }
      if (!allowed && !config.closedLoop.mayLaunch(this, n, trigger, now)) {
        return NONE;
      }
      allowed = true;
      if (watchesClock) {
        // Before the count grows (see ClockedCall.latestStartNanos): the CAS below publishes it, so a
        // release store is enough, and costs no fence.
        LAST_START.setRelease(this, now);
      }
      if (STARTED.compareAndSet(this, n, n + 1)) {
        config.closedLoop.countLaunch(trigger);
        return n;
      }
    }
  }

  /**
   * Creates attempt {@code index}, tells the listener it started, then publishes it: before anything can
   * end it.
   *
   * @param alone whether nothing else can launch meanwhile: the attempts of the call's start
   */
  private AttemptRun publish(int index, Trigger trigger, boolean alone, long now) {
    ReplicaRouter replicas = config.replicas;
    AttemptRun run = new AttemptRun(this, index, trigger, now,
        replicas == null ? Attempt.NOT_ROUTED : chooseReplica(replicas, alone, now));
    if (config.waitForLosers) {
      RUNNING.getAndAdd(this, 1);
    }
    if (events != null) {
      events.relay.started(run);
    }
    RUNS.setVolatile(runs, index, run);
    return run;
  }

  /** Hands a published attempt to the executor, unless the call was decided meanwhile. */
  private void start(AttemptRun run, long now) {
    // Guard against race with end(): it cancels the attempts it sees published after deciding; one
    // published later must see the decision here (both sides use volatile accesses). This also keeps
    // an attempt from starting after one that started with it ended the call (a fatal failure), or after
    // a budget's clock threw while a hedge was asked for.
    if (result != null) {
      dropLaunch(run, now);
      return;
    }
    if (run.trigger() == Trigger.FAILOVER && watchesClock) {
      // Guard against race with the clock: it may have parked without a deadline while no attempt was
      // active (or, for an asynchronous call, not be watching yet), and this attempt may have an attempt
      // timeout or hedge to watch.
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      } else if (future != null) {
        future.startWatcher();
      }
    }
    if (kind == TaskKind.STAGE) {
      run.run(); // starts the request here and returns: the stage reports its outcome
      return;
    }
    try {
      config.executor.execute(run);
    } catch (Throwable rejected) {
      run.launchFailed(rejected);
    }
  }

  /**
   * Chooses the replica of the attempt about to be published, one the call has not tried unless it
   * tried all, and counts it in flight there.
   *
   * @param alone whether this thread is the call's only launcher: at its start ({@link #launch})
   * @return the replica's index, as {@link ReplicaRouter#started} returns it
   */
  private int chooseReplica(ReplicaRouter replicas, boolean alone, long now) {
    if (alone) {
      // Nothing else launches at the call's start: no read-modify-write; a release store (no fence) that
      // any later launcher's getAndBitwiseOr reads.
      long tried = triedReplicas;
      int chosen = replicas.choose(tried, now);
      TRIED_REPLICAS.setRelease(this, tried | 1L << chosen);
      return replicas.started(chosen, now);
    }
    for (;;) {
      long tried = triedReplicas;
      int chosen = replicas.choose(tried, now);
      long bit = 1L << chosen;
      long before = (long) TRIED_REPLICAS.getAndBitwiseOr(this, bit);
      // Guard against race with another launcher of this call (a hedge of the clock, a failover of an
      // attempt thread) choosing at the same moment: if it took the same replica, choose again, unless
      // every replica has been tried.
      if ((before & bit) == 0 || replicas.allTried(before)) {
        return replicas.started(chosen, now);
      }
    }
  }

  /** Ends an attempt that was published after the call was decided: it never runs. */
  private void dropLaunch(AttemptRun run, long now) {
    if (run.cancel(Outcome.CANCELLED, null, now) && events != null) {
      events.relay.cancelled(run);
    }
    runEnded();
  }

  /** Counts launches and reports in flight (listener only): onCallFinished waits for them; see {@link CallEvents}. */
  void pending(int delta) {
    if (events != null) {
      events.pending(delta);
    }
  }

  // ---------------------------------------------------------------- attempt outcomes

  /** Runs a blocking attempt's task. */
  @Nullable Object invoke(AttemptRun run) throws Exception {
    return kind.call(task, run);
  }

  /** Starts a staged attempt: its task's stage, or null if the task returned none. */
  @Nullable CompletionStage<?> invokeStage(AttemptRun run) throws Exception {
    return TaskKind.start(task, run);
  }

  /** Whether the attempts return a stage: each runs on the thread that starts it, and none is interrupted. */
  boolean isStaged() {
    return kind == TaskKind.STAGE;
  }

  /**
   * When attempt {@code index}'s task returned a value: the clock's reading if anyone uses it (the closed
   * loop, a {@link HedgeResult}, the listener, the replica's latency if the attempt is observed), else the
   * call's start, unread.
   *
   * @param observed whether the attempt is routed and observed ({@link ReplicaRouter#started})
   */
  long valueEndNanos(int index, boolean observed) {
    return observed || config.closedLoop.needsEndTime(this, index) || withResult || events != null
        ? now() : startNanos;
  }

  /** Disposes of a value that lost or was rejected (see {@link Decision#discard}). */
  void discard(@Nullable Object value) {
    Decision.discard(config, result, value);
  }

  /**
   * An attempt whose value this thread owns (its {@code finish} succeeded, the value accepted) tries to
   * decide the call: it wins unless another outcome decided it first.
   *
   * @param endNanos when the task returned, as {@link #valueEndNanos} read it
   */
  void attemptSucceeded(AttemptRun run, @Nullable Object value, long endNanos) {
    Object decision = withResult ? new Decision.Won(run.index(), value, endNanos)
        : value == null ? Decision.NIL : value;
    boolean won = RESULT.compareAndSet(this, null, decision);
    if (config.replicas != null) {
      run.replicaEnded(null, won, endNanos); // before release(): a caller back from the call sees it counted
    }
    if (!won) {
      discard(value); // a loser: the call was decided already
      attemptEnded(run, Outcome.CANCELLED, endNanos); // its decider may have
      return;
    }
    cancelOthers(run);
    attemptEnded(run, null, endNanos);
    config.closedLoop.callEnded(this, run.trigger());
    release();
    if (events != null) {
      events.relay.succeeded(run, run.since(endNanos));
      events.callFinished(run.index());
    }
  }

  /**
   * An attempt whose outcome this thread owns failed: reports it, then ends the call with it
   * ({@code ends}) or goes on ({@link #failOver}).
   *
   * @param ends {@code FATAL} or {@code ERROR} to end the call with it, or {@code null} to go on
   */
  void attemptFailed(AttemptRun run, Outcome how, Throwable failure, @Nullable CallEnd ends,
      @Nullable Throwable predicateFailure) {
    reportFailure(run, how, failure, ends != null);
    if (ends != null) {
      end(ends, failure, predicateFailure);
    } else {
      failOver();
    }
  }

  /** Tells the log, the listener and the closed loop that an attempt failed. */
  private void reportFailure(AttemptRun run, Outcome how, Throwable failure, boolean endsTheCall) {
    if (Log.LOG.isDebugEnabled()) {
      Log.debug("Attempt {} failed{}: {}", run.index(), endsTheCall ? " and ends the call" : "",
          Failures.describe(failure));
    }
    if (events != null) {
      events.relay.failed(run, run.report());
    }
    attemptEnded(run, how, 0);
  }

  /**
   * Counts a failure that does not end the call by itself, then starts a failover; ends the call when
   * this was the last attempt, or when the failover may not start and nothing else runs.
   */
  private void failOver() {
    if ((int) FAILED.getAndAdd(this, 1) + 1 == config.maxAttempts) {
      end(CallEnd.ALL_FAILED, null, null);
    } else if (!launchNext(Trigger.FAILOVER)) {
      endIfNothingRuns();
    }
  }

  /**
   * After a failover was not started: ends the call with the failures so far if the failover was refused
   * (budget or deadline) and every attempt started has failed, since nothing else would end it.
   */
  private void endIfNothingRuns() {
    CallEnd refused = failoverRefused;
    // Guard against race with other attempts failing at once: each failing thread counts its failure
    // before it asks for a failover and checks here after, so the last of them sees every failure; an
    // attempt reserved meanwhile (a hedge) keeps the count of started ahead, and the call goes on with it.
    if (refused != null && result == null && failed == started) {
      end(refused, null, null);
    }
  }

  /** The run of an attempt returned, or will never start. */
  void runEnded() {
    // Guard against race with the decider's release(): it writes released, then reads running; this
    // writes running, then reads released (both volatile), so at least one of the two delivers.
    if (config.waitForLosers && (int) RUNNING.getAndAdd(this, -1) == 1 && released) {
      deliver(); // the last loser ended: the call may return now
    }
  }

  /** Claims the report of attempt 0's end to the closed loop: true exactly once per call. */
  @Override
  public boolean claimFirstAttemptRecord() {
    return !firstRecorded && FIRST_RECORDED.compareAndSet(this, false, true);
  }

  /** Whether attempt 0's end was claimed (or will not be recorded). */
  @Override
  public boolean firstAttemptRecordClaimed() {
    return firstRecorded;
  }

  /** The closed loop does not sample this call: its first attempt is never recorded (before it starts). */
  @Override
  public void skipFirstAttemptRecord() {
    firstRecorded = true;
  }

  // ---------------------------------------------------------------- the closed loop's door (LoopCall)

  /** Tells the closed loop that {@code run} ended ({@code how}: see {@link ClosedLoop#attemptEnded}). */
  private void attemptEnded(AttemptRun run, @Nullable Outcome how, long endNanos) {
    config.closedLoop.attemptEnded(this, run.index(), run.startNanos, how, endNanos);
  }

  @Override
  public boolean hedgingStopped() {
    return noMoreHedges;
  }

  @Override
  public void refused(int index, Trigger trigger, SkippedAttempt.Reason reason, long now) {
    if (trigger == Trigger.HEDGE) {
      noMoreHedges = true; // failovers may still start
    } else {
      failoverRefused = reason == SkippedAttempt.Reason.BUDGET ? CallEnd.NO_BUDGET : CallEnd.NO_TIME;
    }
    if (events != null) {
      events.relay.skipped(new SkippedAttempt(index, trigger, reason, Duration.ofNanos(Nanos.since(now, startNanos))));
    }
  }

  /** For the clock: see {@link ClosedLoop#hedgeDelayNanos}. */
  @Override
  public long hedgeDelayNanos(int index) {
    return config.closedLoop.hedgeDelayNanos(this, index);
  }

  // ---------------------------------------------------------------- ending the call

  /**
   * Ends the call without a winner, unless it has ended already.
   *
   * @return whether this call decided the end
   */
  private boolean end(CallEnd how, @Nullable Throwable cause, @Nullable Throwable predicateFailure) {
    if (!RESULT.compareAndSet(this, null, Decision.DECIDING)) {
      return false;
    }
    Object outcome;
    try {
      cancelOthers(null);
      outcome = how == CallEnd.ABORTED ? Ended.ABORTED
          : new Ended(how, cause, predicateFailure, Decision.reports(this, null));
    } catch (Throwable t) {
      // Guard against leaving DECIDING forever (an OutOfMemoryError): the caller must get an outcome.
      outcome = new Ended(CallEnd.ERROR, t, null, List.of());
    }
    result = outcome;
    config.closedLoop.callEnded(this, null);
    release();
    if (events != null) {
      events.callFinished(how);
    }
    return true;
  }

  /** Abandons the call for its caller (interrupt, or its future cancelled or completed by its holder). */
  boolean abort() {
    return end(CallEnd.ABORTED, null, null);
  }

  /** The decider's bookkeeping is done: hands the outcome out. */
  private void release() {
    released = true;
    if (future != null) {
      future.cancelTimer();
    }
    deliver();
  }

  /** Wakes the waiter and settles the future, once {@link #release released}; repeated calls are harmless. */
  private void deliver() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    // Guard against race between the last loser and a launch that lost to the decision: with
    // waitForLosers both may bring running to 0 and deliver; one settles. Without it, only the decider
    // delivers.
    if (future != null && (!config.waitForLosers || (running == 0 && future.claimSettlement()))) {
      future.settle(requireNonNull(result, "result"));
    }
  }

  /** Cancels every published attempt other than {@code winner}. */
  private void cancelOthers(@Nullable AttemptRun winner) {
    long now = 0;
    boolean read = false; // the clock is read once, and only for an attempt to cancel: most calls have none
    for (int i = 0, n = publishedCount(); i < n; i++) {
      AttemptRun run = published(i);
      if (run == null || run == winner) {
        continue;
      }
      if (!read && (run.isActive() || run.returnedValue())) {
        now = now();
        read = true;
      }
      if (run.cancel(Outcome.CANCELLED, null, now)) {
        if (events != null) {
          events.relay.cancelled(run);
        }
        attemptEnded(run, Outcome.CANCELLED, now);
      } else if (run.returnedValue()) {
        // Guard against race with a loser whose value lost the decision and has not told the loop yet:
        // it is recorded here, before the outcome is handed out (whoever claims first records it).
        attemptEnded(run, Outcome.CANCELLED, now);
      }
    }
  }

  /** The bound of published attempt indices: every published attempt is {@code published(i)} below it. */
  @Override
  public int publishedCount() {
    return Math.min(started, runs.length);
  }

  /** Attempt {@code i} if published, else {@code null}. */
  @Override
  public AttemptRun published(int i) {
    return (AttemptRun) RUNS.getVolatile(runs, i);
  }

  // ---------------------------------------------------------------- waiting and the clock

  private T await() throws InterruptedException {
    config.spinAdvisorFor(task).spinWhileUnreleased(this);
    boolean interrupted = false;
    for (;;) {
      if (released) {
        if (interrupted || !config.waitForLosers || running == 0) {
          break;
        }
        LockSupport.park(this); // wait for losers
      } else if (result == null && watchesClock) {
        config.clock.fireDueThenPark(this);
      } else {
        LockSupport.park(this);
      }
      if (Thread.interrupted()) {
        if (!interrupted && abort()) {
          throw new InterruptedException();
        }
        interrupted = true; // decided already: deliver the outcome with the flag restored
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return Decision.valueOf(this, requireNonNull(result, "result"));
  }

  @Override
  public boolean isDecided() {
    return result != null;
  }

  /** The watcher of an asynchronous call: the thread to unpark when the call ends. */
  void wakeWhenEnded(Thread watcher) {
    waiter = watcher;
  }

  /** Whether the outcome was handed out: the call is decided and its bookkeeping done. */
  boolean isReleased() {
    return released;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public long timeoutNanos() {
    return timeoutNanos;
  }

  @Override
  public long latestStartNanos() {
    return lastStartNanos;
  }

  @Override
  public int maxAttempts() {
    return config.maxAttempts;
  }

  @Override
  public int startedCount() {
    return started;
  }

  @Override
  public void timeOut() {
    end(CallEnd.TIMEOUT, null, null);
  }

  @Override
  public void timeOutAttempt(AttemptRun run, long now) {
    pending(1); // as for an attempt's own failure: onCallFinished waits for its report
    try {
      Throwable timedOut = config.clock.attemptTimedOut(run.index());
      if (run.cancel(Outcome.TIMED_OUT, timedOut, now)) {
        attemptFailed(run, Outcome.TIMED_OUT, timedOut, null, null);
      }
    } finally {
      pending(-1);
    }
  }

  @Override
  public boolean startHedge() {
    if (Log.LOG.isDebugEnabled()) {
      Log.debug("No success in time: starting hedge {}", started, null, null);
    }
    return launchNext(Trigger.HEDGE);
  }

  @Override
  public void clockFailed(Throwable failure) {
    end(CallEnd.CLOCK_FAILED, failure, null);
  }

  /** Reads the clock; a throwing {@link dev.redundant.TimeSource} ends the call, and the call start is returned. */
  @Override
  public long now() {
    try {
      return config.clock.read();
    } catch (Throwable t) {
      clockFailed(t);
      return startNanos;
    }
  }

  // ---------------------------------------------------------------- small helpers

  PolicyRuntime config() {
    return config;
  }

  boolean copyMdc() {
    return config.copyMdc;
  }

  @Nullable Map<String, String> callerMdc() {
    return mdc;
  }
}
