package dev.redundant.internal;

import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.AttemptTask;
import dev.redundant.HedgeResult;
import dev.redundant.RejectedResultException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One call: the attempts it started, and the single decision of how it ends. This is the only race
 * implementation; every public entry point runs through {@link #call} or {@link #callAsync}. This class
 * launches attempts, takes their outcomes and decides the call; the rest is delegated, to per-policy
 * helpers (no per-call object but this one and its attempts):
 * <ul>
 * <li>{@link CallClock} fires hedges and timeouts, seeing the call through {@link ClockedCall};</li>
 * <li>{@link ClosedLoop} is asked before each hedge or failover and told how attempts and calls end
 *     (adaptive delay, budget, deadline, statistics);</li>
 * <li>{@link EventRelay} (if any) tells the listener, and holds {@code onCallFinished} back until every
 *     other event of the call was sent;</li>
 * <li>{@link Decision} encodes what {@code result} holds and builds what the caller gets from it;</li>
 * <li>{@link AttemptRun} runs one attempt, and {@link SpinAdvisor} decides whether a caller spins.</li>
 * </ul>
 *
 * <h2>State of the call: {@code result}</h2>
 * <pre>
 *   null ──CAS by the first accepted value──▶ the value (NIL for null; a Won)    a winner
 *   null ──CAS by end()──▶ DECIDING ──plain volatile write──▶ Ended               no winner
 * </pre>
 * (The encoding and its delivery: {@link Decision}.)
 * Exactly one CAS from {@code null} succeeds; whoever makes it (the <em>decider</em>) cancels every other
 * published attempt, then delivers (wakes the waiter, settles the future), then tells the listener. No
 * other transition exists: a decided call never changes its outcome. A success allocates nothing for
 * failure aggregation. {@code Ended.BY_CALLER} marks a call its caller abandoned: nothing is delivered.
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
 * <h2>Threads and what each may do</h2>
 * <ul>
 * <li><b>The caller</b> (synchronous) or the <b>clock watcher</b> (one virtual thread per asynchronous call
 *     with delays or timeouts): starts the first attempts, then waits; when it wakes it runs
 *     {@link CallClock#fireDueThenPark}: the call timeout ({@code end}), attempt timeouts ({@code cancel} with
 *     {@code TIMED_OUT}, then a failover), hedges ({@code launchNext}). An interrupted caller aborts.</li>
 * <li><b>Attempt threads</b>: run the task, classify the outcome while still {@code ACTIVE} (so a
 *     blocking predicate is interrupted like the task), then finish; a failure starts a failover or ends
 *     the call, a value tries to decide it.</li>
 * <li><b>The holder of the future</b>: cancelling or completing it aborts the call.</li>
 * </ul>
 *
 * <h2>Invariants</h2>
 * <ul>
 * <li>Attempt {@code i} is published in {@code runs[i]} (volatile store) only after the listener was
 *     told it started, and a launcher that publishes re-reads {@code result} afterwards: either the
 *     decider sees and cancels it, or the launcher sees the decision and cancels it itself (both
 *     volatile; Dekker-style). So no attempt runs uncancelled past the decision, and the listener never
 *     sees an attempt cancelled or timed out before it started.</li>
 * <li>{@code onCallFinished} comes after every other event of the call: the decider defers it while a
 *     launch is in flight ({@code launching}), and the last launcher emits it (see {@link EventRelay}).</li>
 * <li>{@code started} only grows and may run ahead of publication; readers skip unpublished slots. The
 *     clock may read a stale (lower) count: it then computes the next hedge from a start at least as
 *     recent ({@code latestStartNanos} is written before the count grows and read after it), so a hedge is
 *     never early, only looked at again on the next wakeup, which every failover launch triggers. A
 *     launch that races the clock cannot double-start: indices are reserved by CAS.</li>
 * <li>The sum of failures ({@code failed}) reaches {@code maxAttempts} exactly once, only when every
 *     attempt has ended with a failure; each attempt's failure is counted once, by its owner.</li>
 * <li>Clock readings are compared only as differences ({@link CallClock}): any origin works.</li>
 * <li>User code (tasks, predicates, listeners, {@code close()}/{@code onDiscard}, the time source, the
 *     executor) never breaks this bookkeeping: its exceptions are caught where it is called.</li>
 * <li>Order of events on every path: losers are interrupted <em>before</em> the outcome is delivered, so
 *     a caller, and a dependent stage of an asynchronous call's future, find them interrupted.</li>
 * </ul>
 *
 * <h2>Hook points: the closed loop</h2>
 * {@link ClosedLoop#mayLaunch} before every hedge or failover, {@link ClosedLoop#hedgeDelayNanos} for the
 * clock, {@link ClosedLoop#firstAttemptEnded} when attempt 0 ends and {@link ClosedLoop#callEnded} once the
 * call is decided. The loop keeps only per-policy state; the call's own part of it is two fields here
 * ({@code noMoreHedges}, {@code failoverRefused}), which the loop sets through {@link #stopHedging} and
 * {@link #failoverRefused}.
 *
 * <h2>Per-call limit and result</h2>
 * A call may carry its own time limit ({@code timeoutNanos}, replacing the policy's) and may ask for a
 * {@link HedgeResult}: then the winner decides the call with a {@link Decision.Won} (its index and end time)
 * instead of its bare value, and the result is built by whoever delivers it.
 *
 * <p>Nothing here blocks inside {@code synchronized}.
 *
 * @param <T> the call's value type
 */
public final class Race<T> implements ClockedCall {
  static final Logger LOG = LoggerFactory.getLogger("dev.redundant");

  /** Tells {@link #call(RaceConfig, AttemptTask, Callable, long, boolean)} to use the policy's timeout. */
  public static final long POLICY_LIMIT = -1;

  private static final VarHandle RESULT;
  private static final VarHandle STARTED;
  private static final VarHandle FAILED;
  private static final VarHandle RUNNING;
  private static final VarHandle RUNS = MethodHandles.arrayElementVarHandle(AttemptRun[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      RESULT = lookup.findVarHandle(Race.class, "result", Object.class);
      STARTED = lookup.findVarHandle(Race.class, "started", int.class);
      FAILED = lookup.findVarHandle(Race.class, "failed", int.class);
      RUNNING = lookup.findVarHandle(Race.class, "running", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final RaceConfig config;
  /** The task: exactly one of {@code task} and {@code callable} is non-null. */
  private final @Nullable AttemptTask<?> task;
  private final @Nullable Callable<?> callable;
  private final @Nullable RaceFuture<T> future;
  private final @Nullable Map<String, String> mdc;
  private final AttemptRun[] runs;
  private final long startNanos;
  /** The call's time limit from its start: the policy's timeout or the call's own; NEVER for none. */
  private final long timeoutNanos;
  /** Whether someone must watch the clock: the policy's hedges or timeouts, or a limit of the call's own. */
  private final boolean timed;
  /** Whether the caller asked for a {@link HedgeResult}: the winner then decides with a {@link Decision.Won}. */
  private final boolean withResult;

  /** The call's {@link Decision}: null: undecided; NIL, a value or a Won: a winner; DECIDING, then an Ended: none. */
  private volatile @Nullable Object result;
  /** Attempts reserved so far; attempt i lives in runs[i] once published. */
  private volatile int started;
  /** Attempts that failed (failed, rejected, timed out, not launched). */
  private volatile int failed;
  /** Attempts whose run has not returned yet; counted only for waitForLosers. */
  private volatile int running;
  /** Launches in flight, plus FINISH and EMITTED: kept by {@link EventRelay}, only with a listener. */
  volatile int launching;
  /** The winner's index for onCallFinished, or -1 - CallEnd.ordinal(): written by {@link EventRelay#callFinished} before FINISH. */
  int winnerIndex = -1;
  /** Start time of the latest attempt: the next hedge delay counts from it. */
  private volatile long lastStartNanos;
  /** The thread to unpark when the call ends, or null. */
  private volatile @Nullable Thread waiter;
  /** Set once a hedge was denied or skipped: the call starts no more hedges (failovers may still start). */
  private volatile boolean noMoreHedges;
  /** Why the latest failover was refused ({@code NO_BUDGET} or {@code NO_TIME}), or null. */
  private volatile @Nullable CallEnd failoverRefused;

  private Race(RaceConfig config, @Nullable AttemptTask<?> task, @Nullable Callable<?> callable,
      @Nullable RaceFuture<T> future, long limitNanos, boolean withResult) {
    this.config = config;
    this.task = task;
    this.callable = callable;
    this.future = future;
    this.mdc = config.copyMdc ? MDC.getCopyOfContextMap() : null;
    this.runs = new AttemptRun[config.maxAttempts];
    this.timeoutNanos = limitNanos == POLICY_LIMIT ? config.timeoutNanos : limitNanos;
    this.timed = config.timed || timeoutNanos != RaceConfig.NEVER;
    this.withResult = withResult;
    this.startNanos = config.clock.read(); // a throwing clock fails the call before anything starts
  }

  // ---------------------------------------------------------------- entry points

  /**
   * Runs a call on the calling thread and waits for its outcome.
   *
   * @param config the policy
   * @param task the task, given each attempt
   * @return the winner's value
   * @throws InterruptedException if the caller was interrupted before a winner (or on entry)
   */
  public static <T> T call(RaceConfig config, AttemptTask<? extends T> task) throws InterruptedException {
    return callOn(config, task, null, POLICY_LIMIT, false);
  }

  /**
   * Runs a call of a plain task on the calling thread and waits for its outcome.
   *
   * @param config the policy
   * @param task the task
   * @return the winner's value
   * @throws InterruptedException if the caller was interrupted before a winner (or on entry)
   */
  public static <T> T call(RaceConfig config, Callable<? extends T> task) throws InterruptedException {
    return callOn(config, null, task, POLICY_LIMIT, false);
  }

  /**
   * Runs a call with settings of its own on the calling thread and waits for its outcome.
   *
   * @param config the policy
   * @param task the task given each attempt, or null
   * @param callable the plain task, or null; exactly one of the two is non-null
   * @param limitNanos the call's time limit from its start (positive, or {@link RaceConfig#NEVER}), or
   *     {@link #POLICY_LIMIT} for the policy's timeout
   * @param withResult whether to return a {@link HedgeResult} instead of the bare value
   * @return the winner's value, or its {@link HedgeResult}
   * @throws InterruptedException if the caller was interrupted before a winner (or on entry)
   */
  // T is the value, or HedgeResult when withResult: one cast, checked by the callers
  @SuppressWarnings("TypeParameterUnusedInFormals")
  public static <T> T call(RaceConfig config, @Nullable AttemptTask<?> task, @Nullable Callable<?> callable,
      long limitNanos, boolean withResult) throws InterruptedException {
    return callOn(config, task, callable, limitNanos, withResult);
  }

  /**
   * Starts a call with settings of its own and returns its future at once.
   *
   * @param config the policy
   * @param task the task given each attempt, or null
   * @param callable the plain task, or null; exactly one of the two is non-null
   * @param limitNanos as for {@link #call(RaceConfig, AttemptTask, Callable, long, boolean)}
   * @param withResult whether the future completes with a {@link HedgeResult} instead of the bare value
   * @return a future that cancels the call's attempts when cancelled or completed by its holder
   */
  public static <T> CompletableFuture<T> callAsync(RaceConfig config, @Nullable AttemptTask<?> task,
      @Nullable Callable<?> callable, long limitNanos, boolean withResult) {
    return startAsync(config, task, callable, limitNanos, withResult);
  }

  /**
   * Starts a call and returns its future at once.
   *
   * @param config the policy
   * @param task the task, given each attempt
   * @return a future that cancels the call's attempts when cancelled or completed by its holder
   */
  public static <T> CompletableFuture<T> callAsync(RaceConfig config, AttemptTask<? extends T> task) {
    return startAsync(config, task, null, POLICY_LIMIT, false);
  }

  /**
   * Starts a call of a plain task and returns its future at once.
   *
   * @param config the policy
   * @param task the task
   * @return a future that cancels the call's attempts when cancelled or completed by its holder
   */
  public static <T> CompletableFuture<T> callAsync(RaceConfig config, Callable<? extends T> task) {
    return startAsync(config, null, task, POLICY_LIMIT, false);
  }

  // T is the value, or HedgeResult when withResult: one cast, checked by the callers
  @SuppressWarnings("TypeParameterUnusedInFormals")
  private static <T> T callOn(RaceConfig config, @Nullable AttemptTask<?> task, @Nullable Callable<?> callable,
      long limitNanos, boolean withResult) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Race<T> race = new Race<>(config, task, callable, null, limitNanos, withResult);
    race.waiter = Thread.currentThread();
    race.begin();
    return race.await();
  }

  private static <T> CompletableFuture<T> startAsync(RaceConfig config, @Nullable AttemptTask<?> task,
      @Nullable Callable<?> callable, long limitNanos, boolean withResult) {
    RaceFuture<T> future = new RaceFuture<>();
    Race<T> race = new Race<>(config, task, callable, future, limitNanos, withResult);
    future.race = race;
    Thread watcher = race.timed ? Thread.ofVirtual().unstarted(race::watchClock) : null;
    race.waiter = watcher;
    race.begin();
    if (watcher != null && race.result == null) {
      watcher.start();
    }
    return future;
  }

  // ---------------------------------------------------------------- starting attempts

  /**
   * Starts the attempts that start with the call: the first, and every following one whose hedge delay
   * is zero (unless {@link ClosedLoop#mayLaunch} refuses; the first needs no permission). No attempt has
   * run yet, so nothing can race with the reservation or the publication: the runs are published with
   * plain stores before the volatile write of {@code started}, and each attempt sees them through the
   * happens-before of {@link java.util.concurrent.Executor#execute}.
   */
  private void begin() {
    int together = 1;
    while (together < config.maxAttempts && startsWithCall(together)
        && config.closedLoop.mayLaunch(this, together, Trigger.HEDGE, startNanos)) {
      together++;
    }
    config.closedLoop.callStarted(together);
    launching(together);
    for (int i = 0; i < together; i++) {
      runs[i] = new AttemptRun(this, i, i == 0 ? Trigger.FIRST : Trigger.HEDGE, startNanos);
      if (config.events != null) {
        config.events.started(runs[i]); // before it is published, so before anything can end it
      }
    }
    if (timed) {
      lastStartNanos = startNanos;
    }
    if (config.waitForLosers) {
      RUNNING.getAndAdd(this, together);
    }
    started = together;
    for (int i = 0; i < together; i++) {
      // Guard against race with an attempt that already ended the call (a fatal failure, or a rejected
      // launch that used up every attempt): the rest must not start.
      if (i > 0 && result != null) {
        dropLaunch(runs[i], now());
      } else {
        execute(runs[i]);
      }
    }
    launching(-together);
  }

  /**
   * Starts the next attempt, then every following attempt whose hedge delay is zero.
   *
   * @return whether an attempt was started
   */
  private boolean launchNext(Trigger trigger) {
    launching(1);
    try {
      long now = now();
      int index = reserve(trigger, now);
      if (index < 0) {
        return false;
      }
      launch(index, trigger, now);
      while (index + 1 < config.maxAttempts && hedgeDelayNanos(index + 1) == 0
          && (index = reserve(Trigger.HEDGE, now)) >= 0) {
        launch(index, Trigger.HEDGE, now);
      }
      return true;
    } finally {
      launching(-1);
    }
  }

  /** Whether attempt {@code index >= 1} starts with the first: its hedge delay, like the previous ones', is zero. */
  private boolean startsWithCall(int index) {
    return config.closedLoop.estimator == null ? index < config.startTogether : hedgeDelayNanos(index) == 0;
  }

  /**
   * Reserves the next attempt index, or returns -1 when the call has ended, used every attempt or may not
   * launch. Permission ({@link ClosedLoop#mayLaunch}) is asked once, for the first index tried: a lost CAS
   * (another launcher took that index) retries with the permission held, so a budget token is never spent
   * twice.
   */
  private int reserve(Trigger trigger, long now) {
    boolean allowed = false;
    for (;;) {
      int n = started;
      // Guard against race with a decision or another launcher between the permission and the CAS: a
      // token granted then is not refunded (it errs on the side of less load).
      if (n >= config.maxAttempts || result != null) {
        return -1;
      }
      if (!allowed && !config.closedLoop.mayLaunch(this, n, trigger, now)) {
        return -1;
      }
      allowed = true;
      if (timed) {
        lastStartNanos = now; // before the count grows: see ClockedCall.latestStartNanos
      }
      if (STARTED.compareAndSet(this, n, n + 1)) {
        config.closedLoop.countLaunch(trigger);
        return n;
      }
    }
  }

  private void launch(int index, Trigger trigger, long now) {
    AttemptRun run = new AttemptRun(this, index, trigger, now);
    if (config.waitForLosers) {
      RUNNING.getAndAdd(this, 1);
    }
    if (config.events != null) {
      config.events.started(run); // before it is published, so before anything can end it
    }
    RUNS.setVolatile(runs, index, run);
    // Guard against race with end(): it cancels the attempts it sees published after deciding; one
    // published later must see the decision here (both sides use volatile accesses).
    if (result != null) {
      dropLaunch(run, now);
      return;
    }
    if (trigger == Trigger.FAILOVER && timed) {
      // Guard against race with the clock: it may have parked without a deadline while no attempt was
      // active, and this attempt may have an attempt timeout or hedge to watch.
      LockSupport.unpark(waiter);
    }
    execute(run);
  }

  /** Ends an attempt that was published after the call was decided: it never runs. */
  private void dropLaunch(AttemptRun run, long now) {
    if (run.cancel(Outcome.CANCELLED, null, now) && config.events != null) {
      config.events.cancelled(run);
    }
    runEnded();
  }

  /** Counts launches in flight (listener only): onCallFinished waits for them; see {@link EventRelay}. */
  private void launching(int delta) {
    if (config.events != null) {
      config.events.launching(this, delta);
    }
  }

  private void execute(AttemptRun run) {
    try {
      config.executor.execute(run);
    } catch (Throwable rejected) {
      run.launchFailed(rejected);
    }
  }

  // ---------------------------------------------------------------- attempt outcomes

  Object invoke(AttemptRun run) throws Exception {
    return task != null ? task.call(run) : requireNonNull(callable, "callable").call();
  }

  /** An attempt's task returned {@code value}; the attempt is still active. It wins unless rejected or beaten. */
  void attemptReturned(AttemptRun run, @Nullable Object value) {
    if (config.reject != null) {
      boolean rejected;
      Throwable predicateFailure = null;
      try {
        rejected = config.reject.test(value);
      } catch (Throwable t) {
        rejected = true;
        predicateFailure = t;
      }
      if (rejected) {
        RejectedResultException failure = new RejectedResultException(run.index(), value, predicateFailure);
        boolean own = run.finish(Outcome.REJECTED, failure);
        Decision.discard(config, result, value);
        if (own) {
          countFailure(run, Outcome.REJECTED, failure, null, null);
        }
        return;
      }
    }
    if (!run.finish(null, null)) {
      Decision.discard(config, result, value); // cancelled while it returned: a loser
      return;
    }
    Object decision = withResult ? new Decision.Won(run.index(), value, now()) : value == null ? Decision.NIL : value;
    if (!RESULT.compareAndSet(this, null, decision)) {
      Decision.discard(config, result, value); // a loser: the call was decided already
      if (run.index() == 0) {
        config.closedLoop.firstAttemptEnded(this, run, Outcome.CANCELLED);
      }
      return;
    }
    cancelOthers(run);
    deliver();
    if (run.index() == 0) {
      config.closedLoop.firstAttemptEnded(this, run, null);
    }
    config.closedLoop.callEnded(run);
    if (config.events != null) {
      config.events.succeeded(run, run.since(now()));
      config.events.callFinished(this, run.index());
    }
  }

  /** An attempt's task threw {@code thrown}; the attempt is still active. */
  void attemptThrew(AttemptRun run, Throwable thrown) {
    if (Failures.endsTheCall(thrown)) {
      if (run.finish(Outcome.FAILED, thrown)) {
        countFailure(run, Outcome.FAILED, thrown, CallEnd.ERROR, null);
      }
      return;
    }
    boolean fatal;
    Throwable predicateFailure = null;
    try {
      fatal = config.fatal.test(thrown);
    } catch (Throwable t) {
      // Never mutate the task's exception: the predicate's failure goes on the library's own exception.
      fatal = true;
      predicateFailure = t;
    }
    if (run.finish(Outcome.FAILED, thrown)) {
      countFailure(run, Outcome.FAILED, thrown, fatal ? CallEnd.FATAL : null, predicateFailure);
    }
  }

  /**
   * Counts the failure of an attempt whose outcome this thread owns, then ends the call or goes on.
   *
   * @param ends {@code FATAL} or {@code ERROR} to end the call with it, or {@code null} to go on
   */
  void countFailure(AttemptRun run, Outcome how, Throwable failure, @Nullable CallEnd ends,
      @Nullable Throwable predicateFailure) {
    if (LOG.isDebugEnabled()) {
      debug("Attempt {} failed{}: {}", run.index(), ends != null ? " and ends the call" : "",
          Failures.describe(failure));
    }
    if (config.events != null) {
      config.events.failed(run, run.report());
    }
    if (run.index() == 0) {
      config.closedLoop.firstAttemptEnded(this, run, how);
    }
    if (ends != null) {
      end(ends, failure, predicateFailure);
    } else if ((int) FAILED.getAndAdd(this, 1) + 1 == config.maxAttempts) {
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
  @SuppressWarnings("ReferenceEquality") // identity: the DECIDING sentinel
  void runEnded() {
    if (config.waitForLosers && (int) RUNNING.getAndAdd(this, -1) == 1) {
      Object r = result;
      if (r != null && r != Decision.DECIDING) {
        deliver(); // the last loser ended: the call may return now
      }
    }
  }

  // ---------------------------------------------------------------- the closed loop's per-call state

  /** Whether a refused hedge stopped the call's hedging; read by {@link ClosedLoop#mayLaunch}. */
  boolean hedgingStopped() {
    return noMoreHedges;
  }

  /** A hedge was refused: the call starts no more hedges (failovers may still start). */
  void stopHedging() {
    noMoreHedges = true;
  }

  /** A failover was refused: {@link #endIfNothingRuns} ends the call with {@code why} if nothing else runs. */
  void failoverRefused(CallEnd why) {
    failoverRefused = why;
  }

  /** Hook (b), for the clock: see {@link ClosedLoop#hedgeDelayNanos}. */
  @Override
  public long hedgeDelayNanos(int index) {
    return config.closedLoop.hedgeDelayNanos(index, noMoreHedges);
  }

  // ---------------------------------------------------------------- ending the call

  /**
   * Ends the call without a winner, unless it has ended already.
   *
   * @return whether this call decided the end
   */
  private boolean end(CallEnd kind, @Nullable Throwable cause, @Nullable Throwable predicateFailure) {
    if (!RESULT.compareAndSet(this, null, Decision.DECIDING)) {
      return false;
    }
    Object outcome;
    try {
      cancelOthers(null);
      outcome = kind == CallEnd.ABORTED ? Ended.BY_CALLER
          : new Ended(kind, cause, predicateFailure, Decision.reports(this, null));
    } catch (Throwable t) {
      // Guard against leaving DECIDING forever (an OutOfMemoryError): the caller must get an outcome.
      outcome = new Ended(CallEnd.ERROR, t, null, List.of());
    }
    result = outcome;
    deliver();
    config.closedLoop.callEnded(null);
    if (config.events != null) {
      config.events.callFinished(this, kind);
    }
    return true;
  }

  /** Abandons the call for its caller (interrupt, or its future cancelled or completed by its holder). */
  boolean abort() {
    return end(CallEnd.ABORTED, null, null);
  }

  /** Wakes the waiter and settles the future; repeated calls are harmless. */
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
    long now = now();
    for (int i = 0, n = publishedCount(); i < n; i++) {
      AttemptRun run = published(i);
      if (run != null && run != winner && run.cancel(Outcome.CANCELLED, null, now)) {
        if (config.events != null) {
          config.events.cancelled(run);
        }
        if (i == 0) {
          config.closedLoop.firstAttemptEnded(this, run, Outcome.CANCELLED);
        }
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

  @SuppressWarnings("ReferenceEquality") // identity: the DECIDING sentinel
  private T await() throws InterruptedException {
    config.spinAdvisorFor(task != null ? task : requireNonNull(callable, "callable")).spinWhileUndecided(this);
    boolean interrupted = false;
    Object r;
    for (;;) {
      r = result;
      if (r != null && r != Decision.DECIDING) {
        if (interrupted || !config.waitForLosers || running == 0) {
          break;
        }
        LockSupport.park(this); // wait for losers
      } else if (r == null && timed) {
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
    return Decision.valueOf(this, r);
  }

  /** The clock watcher of an asynchronous call with delays or timeouts. */
  private void watchClock() {
    AttemptRun.installMdc(config.copyMdc, mdc); // for listener events it sends; the thread ends with the call
    config.clock.watch(this);
  }

  @Override
  public boolean isDecided() {
    return result != null;
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
    Throwable timedOut = config.clock.attemptTimedOut(run.index());
    if (run.cancel(Outcome.TIMED_OUT, timedOut, now)) {
      countFailure(run, Outcome.TIMED_OUT, timedOut, null, null);
    }
  }

  @Override
  public boolean startHedge() {
    if (LOG.isDebugEnabled()) {
      debug("No success in time: starting hedge {}", started, null, null);
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

  RaceConfig config() {
    return config;
  }

  boolean copyMdc() {
    return config.copyMdc;
  }

  @Nullable Map<String, String> callerMdc() {
    return mdc;
  }

  /** Logs at debug; a logging backend that throws on a user's object does not break the call. */
  static void debug(String format, @Nullable Object a, @Nullable Object b, @Nullable Object c) {
    try {
      LOG.debug(format, a, b, c);
    } catch (Throwable ignored) {
      // the call goes on
    }
  }
}
