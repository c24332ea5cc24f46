package dev.redundant.internal;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.AttemptTask;
import dev.redundant.AttemptTimeoutException;
import dev.redundant.FatalFailureException;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeTimeoutException;
import dev.redundant.RejectedResultException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One call: the attempts it started, and the single decision of how it ends. This is the only race
 * implementation; every public entry point runs through {@link #call} or {@link #callAsync}.
 *
 * <p>How it ends is decided by one compare-and-set of {@code result} from {@code null}: to the winning
 * value (or {@link #NIL}), or to {@link #DECIDING} and then to an {@link Ended} for a call without a
 * winner. A success wins with that single CAS and allocates nothing for failure aggregation.
 *
 * <p>Nothing here blocks inside {@code synchronized}. The thread waiting for the call (the caller of a
 * synchronous call, or the timer thread of an asynchronous call with delays or timeouts) also watches the
 * clock: it parks until the next hedge or timeout is due, so a call owns no scheduler.
 *
 * @param <T> the call's value type
 */
public final class Race<T> {
  static final Logger LOG = LoggerFactory.getLogger("dev.redundant");

  /** The value of a winner that returned {@code null}. */
  private static final Object NIL = new Object();
  /** A call without a winner whose {@link Ended} is being built. */
  private static final Object DECIDING = new Object();

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
  private final Object task;
  private final boolean plainCallable;
  private final RaceFuture<T> future;
  private final Map<String, String> mdc;
  private final AttemptRun[] runs;
  final long startNanos;

  /** null: undecided; NIL or a value: the winner's; DECIDING, then an Ended: no winner. */
  private volatile Object result;
  /** Attempts reserved so far; attempt i lives in runs[i] once published. */
  private volatile int started;
  /** Attempts that failed (failed, rejected, timed out, not launched). */
  private volatile int failed;
  /** Attempts whose run has not returned yet; counted only for waitForLosers. */
  private volatile int running;
  /** Start time of the latest attempt: the next hedge delay counts from it. */
  private volatile long lastStartNanos;
  /** The thread to unpark when the call ends, or null. */
  private volatile Thread waiter;

  private Race(RaceConfig config, Object task, boolean plainCallable, RaceFuture<T> future) {
    this.config = config;
    this.task = task;
    this.plainCallable = plainCallable;
    this.future = future;
    this.mdc = config.copyMdc ? MDC.getCopyOfContextMap() : null;
    this.runs = new AttemptRun[config.maxAttempts];
    this.startNanos = config.timeSource.nanoTime();
  }

  /**
   * Runs a call on the calling thread and waits for its outcome.
   *
   * @param config the policy
   * @param task an {@link AttemptTask} or, when {@code plainCallable}, a {@link Callable}
   * @param plainCallable which of the two {@code task} is
   * @return the winner's value
   * @throws InterruptedException if the caller was interrupted before a winner (or on entry)
   */
  public static <T> T call(RaceConfig config, Object task, boolean plainCallable) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Race<T> race = new Race<>(config, task, plainCallable, null);
    race.waiter = Thread.currentThread();
    race.begin();
    return race.await();
  }

  /**
   * Starts a call and returns its future at once.
   *
   * @param config the policy
   * @param task an {@link AttemptTask} or, when {@code plainCallable}, a {@link Callable}
   * @param plainCallable which of the two {@code task} is
   * @return a future that cancels the call's attempts when cancelled or completed by its holder
   */
  public static <T> CompletableFuture<T> callAsync(RaceConfig config, Object task, boolean plainCallable) {
    RaceFuture<T> future = new RaceFuture<>();
    Race<T> race = new Race<>(config, task, plainCallable, future);
    future.race = race;
    Thread timer = config.timed ? Thread.ofVirtual().unstarted(race::watchClock) : null;
    race.waiter = timer;
    race.begin();
    if (timer != null && race.result == null) {
      timer.start();
    }
    return future;
  }

  // ---------------------------------------------------------------- starting attempts

  /**
   * Starts the attempts that start with the call: the first, and every following one whose hedge delay
   * is zero. No attempt has run yet, so nothing can race with the reservation or the publication: the
   * runs are published with plain stores before the volatile write of {@code started}, and each attempt
   * sees them through the happens-before of {@link java.util.concurrent.Executor#execute}.
   */
  private void begin() {
    int together = config.startTogether;
    for (int i = 0; i < together; i++) {
      runs[i] = new AttemptRun(this, i, i == 0 ? Trigger.FIRST : Trigger.HEDGE, startNanos);
    }
    if (config.timed) {
      lastStartNanos = startNanos;
    }
    if (config.waitForLosers) {
      RUNNING.getAndAdd(this, together);
    }
    started = together;
    for (int i = 0; i < together; i++) {
      AttemptRun run = runs[i];
      // Guard against race with an attempt that already ended the call (a fatal failure, or a rejected
      // launch that used up every attempt): the rest must not start.
      if (i > 0 && result != null) {
        run.cancel(Outcome.CANCELLED, null);
        runEnded();
        continue;
      }
      execute(run);
    }
  }

  /** Starts the next attempt, then every following attempt whose hedge delay is zero. */
  private void launchNext(Trigger trigger) {
    int index = reserve();
    if (index < 0) {
      return;
    }
    launch(index, trigger);
    while (index + 1 < config.maxAttempts && config.delayNanos[index + 1] == 0 && (index = reserve()) >= 0) {
      launch(index, Trigger.HEDGE);
    }
  }

  /** Reserves the next attempt index, or returns -1 when the call has ended or used every attempt. */
  private int reserve() {
    for (;;) {
      int n = started;
      if (n >= config.maxAttempts || result != null) {
        return -1;
      }
      if (STARTED.compareAndSet(this, n, n + 1)) {
        return n;
      }
    }
  }

  private void launch(int index, Trigger trigger) {
    AttemptRun run = new AttemptRun(this, index, trigger, now());
    if (config.waitForLosers) {
      RUNNING.getAndAdd(this, 1);
    }
    if (config.timed) {
      lastStartNanos = run.startNanos;
    }
    RUNS.setVolatile(runs, index, run);
    // Guard against race with end(): it cancels the attempts it sees published after deciding; one
    // published later must see the decision here (both sides use volatile accesses).
    if (result != null) {
      run.cancel(Outcome.CANCELLED, null);
      runEnded();
      return;
    }
    if (trigger == Trigger.FAILOVER && config.timed) {
      // Guard against race with the clock watcher: it may have parked without a deadline while no
      // attempt was active, and this attempt may have an attempt timeout or hedge to watch.
      LockSupport.unpark(waiter);
    }
    execute(run);
  }

  private void execute(AttemptRun run) {
    if (config.listener != null) {
      notifyStarted(run);
    }
    try {
      config.executor.execute(run);
    } catch (Throwable rejected) {
      run.launchFailed(rejected);
    }
  }

  // ---------------------------------------------------------------- attempt outcomes

  Object invoke(AttemptRun run) throws Exception {
    return plainCallable ? ((Callable<?>) task).call() : ((AttemptTask<?>) task).call(run);
  }

  /** An attempt returned a value: it wins unless rejected or beaten. */
  void onValue(AttemptRun run, Object value) {
    if (config.reject != null && isRejected(value)) {
      discard(value);
      onFailure(run, Outcome.REJECTED, new RejectedResultException(run.index(), value));
      return;
    }
    if (!RESULT.compareAndSet(this, null, value == null ? NIL : value)) {
      discard(value); // a loser: the call was decided already
      return;
    }
    deliver();
    cancelOthers(run);
    if (config.listener != null) {
      notifySucceeded(run);
    }
  }

  private boolean isRejected(Object value) {
    try {
      return config.reject.test(value);
    } catch (Throwable t) {
      LOG.warn("The result predicate threw; rejecting the value", t);
      return true;
    }
  }

  /** An attempt failed (threw, was rejected, or could not be launched): record it, then go on or end. */
  void onFailure(AttemptRun run, Outcome how, Throwable failure) {
    run.record(how, failure);
    countFailure(run, how == Outcome.FAILED && isFatal(failure), failure);
  }

  private void countFailure(AttemptRun run, boolean fatal, Throwable failure) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Attempt {} failed{}: {}", run.index(), fatal ? " fatally" : "", failure.toString());
    }
    if (config.listener != null) {
      notifyFailed(run);
    }
    if (fatal) {
      end(Ended.FATAL, failure);
    } else if ((int) FAILED.getAndAdd(this, 1) + 1 == config.maxAttempts) {
      end(Ended.ALL_FAILED, null);
    } else {
      launchNext(Trigger.FAILOVER);
    }
  }

  private boolean isFatal(Throwable failure) {
    try {
      return config.fatal.test(failure);
    } catch (Throwable t) {
      failure.addSuppressed(t);
      return true;
    }
  }

  /** The run of an attempt returned. */
  void runEnded() {
    if (config.waitForLosers && (int) RUNNING.getAndAdd(this, -1) == 1) {
      Object r = result;
      if (r != null && r != DECIDING) {
        deliver(); // the last loser ended: the call may return now
      }
    }
  }

  // ---------------------------------------------------------------- ending the call

  /**
   * Ends the call without a winner, unless it has ended already.
   *
   * @return whether this call decided the end
   */
  private boolean end(int kind, Throwable fatalFailure) {
    if (!RESULT.compareAndSet(this, null, DECIDING)) {
      return false;
    }
    cancelOthers(null);
    result = kind == Ended.ABORTED ? Ended.BY_CALLER : new Ended(kind, fatalFailure, reports());
    deliver();
    if (config.listener != null) {
      notifyFinished(-1);
    }
    return true;
  }

  /** Abandons the call for its caller (interrupt, or its future cancelled or completed by its holder). */
  boolean abort() {
    return end(Ended.ABORTED, null);
  }

  /** Wakes the waiter and settles the future; repeated calls are harmless. */
  private void deliver() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    if (future != null && (!config.waitForLosers || running == 0)) {
      future.settle(result);
    }
  }

  /** Cancels every published attempt other than {@code winner}. */
  private void cancelOthers(AttemptRun winner) {
    int n = Math.min(started, runs.length);
    for (int i = 0; i < n; i++) {
      AttemptRun run = (AttemptRun) RUNS.getVolatile(runs, i);
      if (run != null && run != winner && run.cancel(Outcome.CANCELLED, null) && config.listener != null) {
        notifyCancelled(run);
      }
    }
  }

  private List<AttemptReport> reports() {
    int n = Math.min(started, runs.length);
    List<AttemptReport> reports = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      AttemptRun run = (AttemptRun) RUNS.getVolatile(runs, i);
      if (run != null) {
        reports.add(run.report());
      }
    }
    return reports;
  }

  // ---------------------------------------------------------------- waiting and the clock

  private T await() throws InterruptedException {
    spinBriefly();
    boolean interrupted = false;
    Object r;
    for (;;) {
      r = result;
      if (r != null && r != DECIDING) {
        if (interrupted || !config.waitForLosers || running == 0) {
          break;
        }
        LockSupport.park(this); // wait for losers
      } else if (r == null && config.timed) {
        long deadline = onClock();
        if (deadline == RaceConfig.NEVER) {
          LockSupport.park(this);
        } else if (deadline != FIRED) {
          config.timeSource.parkUntil(deadline);
        }
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
    return valueOf(r);
  }

  /**
   * Gives attempts that end within microseconds the chance to decide the call before the caller parks:
   * waking a parked platform thread costs tens of microseconds on small VMs, and a virtual caller's timed
   * park costs a timer. A virtual caller yields its carrier to the attempts; a platform caller spins for
   * a few microseconds, on multiprocessors only. Whether spinning pays is learnt per policy
   * ({@link SpinAdvisor}), so a policy whose calls take milliseconds soon stops spinning.
   */
  private void spinBriefly() {
    SpinAdvisor advisor = config.spinAdvisor;
    if (!advisor.shouldSpin()) {
      return;
    }
    if (Thread.currentThread().isVirtual()) {
      for (int i = 0; i < VIRTUAL_YIELDS && result == null; i++) {
        Thread.yield();
      }
    } else if (MULTIPROCESSOR) {
      long deadline = System.nanoTime() + PLATFORM_SPIN_NANOS;
      for (int i = 1; result == null; i++) {
        Thread.onSpinWait();
        if ((i & 63) == 0 && System.nanoTime() - deadline > 0) {
          break;
        }
      }
    }
    advisor.record(result != null);
  }

  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;
  private static final int VIRTUAL_YIELDS = 2;
  private static final long PLATFORM_SPIN_NANOS = 10_000;

  /** The timer thread of an asynchronous call with delays or timeouts. */
  private void watchClock() {
    while (result == null) {
      long deadline = onClock();
      if (deadline == RaceConfig.NEVER) {
        LockSupport.park(this);
      } else if (deadline != FIRED) {
        config.timeSource.parkUntil(deadline);
      }
      Thread.interrupted(); // nobody else owns this thread: an interrupt only means "look again"
    }
  }

  /** {@link #onClock()} handled a due event: look again before parking. */
  private static final long FIRED = Long.MIN_VALUE;

  /**
   * Fires the hedges and timeouts that are due.
   *
   * @return the time of the next event, {@link RaceConfig#NEVER} for none, or {@link #FIRED}
   */
  private long onClock() {
    long now = now();
    long next = RaceConfig.NEVER;
    if (config.timeout != null) {
      long deadline = RaceConfig.deadline(startNanos, config.timeoutNanos);
      if (now >= deadline) {
        end(Ended.TIMEOUT, null);
        return FIRED;
      }
      next = deadline;
    }
    boolean fired = false;
    int n = Math.min(started, runs.length);
    if (config.attemptTimeout != null) {
      for (int i = 0; i < n; i++) {
        AttemptRun run = (AttemptRun) RUNS.getVolatile(runs, i);
        if (run == null || !run.isActive()) {
          continue;
        }
        long deadline = RaceConfig.deadline(run.startNanos, config.attemptTimeoutNanos);
        if (now < deadline) {
          next = Math.min(next, deadline);
          continue;
        }
        AttemptTimeoutException timedOut = new AttemptTimeoutException(i, config.attemptTimeout);
        if (run.cancel(Outcome.TIMED_OUT, timedOut)) {
          countFailure(run, false, timedOut);
          fired = true;
        }
      }
    }
    if (n < config.maxAttempts && config.delayNanos[n] != RaceConfig.NEVER) {
      long deadline = RaceConfig.deadline(lastStartNanos, config.delayNanos[n]);
      if (now >= deadline) {
        if (LOG.isDebugEnabled()) {
          LOG.debug("No success after {} ns: starting hedge {}", config.delayNanos[n], n);
        }
        launchNext(Trigger.HEDGE);
        fired = true;
      } else {
        next = Math.min(next, deadline);
      }
    }
    return fired ? FIRED : next;
  }

  long now() {
    return config.timeSource.nanoTime();
  }

  @SuppressWarnings("unchecked")
  private T valueOf(Object r) {
    if (r instanceof Ended ended) {
      throw ended.exception(config);
    }
    return r == NIL ? null : (T) r;
  }

  /** Completes the future with the outcome {@code r}, which is decided. */
  @SuppressWarnings("unchecked")
  void settleInto(RaceFuture<T> f, Object r) {
    if (r == Ended.BY_CALLER) {
      return; // the future was cancelled or completed by its holder
    }
    if (r instanceof Ended ended) {
      f.settleExceptionally(ended.exception(config));
    } else {
      f.settleValue(r == NIL ? null : (T) r);
    }
  }

  // ---------------------------------------------------------------- small helpers

  /** Closes a value that lost or was rejected, if it holds a resource. */
  static void discard(Object value) {
    if (value instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Throwable t) {
        LOG.debug("Closing a discarded result failed", t);
      }
    }
  }

  /**
   * Gives the attempt's thread the caller's MDC, an empty one if the caller had none (even a fresh
   * thread may have inherited one, from a failed attempt that started it), unless the policy does not
   * copy the MDC.
   *
   * @return the thread's previous MDC (empty map for none), to restore; or null if nothing was changed
   */
  Object installMdc() {
    if (!config.copyMdc) {
      return null;
    }
    Map<String, String> previous = MDC.getCopyOfContextMap();
    if (mdc != null) {
      MDC.setContextMap(mdc);
    } else if (previous != null) {
      MDC.clear();
    } else {
      return null; // neither the caller nor this thread has an MDC: nothing to change or restore
    }
    return previous == null ? Map.of() : previous;
  }

  @SuppressWarnings("unchecked")
  void restoreMdc(Object previous) {
    if (previous == null) {
      return;
    }
    Map<String, String> map = (Map<String, String>) previous;
    if (map.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(map);
    }
  }

  private void notifyStarted(AttemptRun run) {
    tell("onAttemptStarted", listener -> listener.onAttemptStarted(run));
    if (run.isHedge()) {
      tell("onHedgeStarted", listener -> listener.onHedgeStarted(run));
    }
  }

  private void notifySucceeded(AttemptRun run) {
    Duration ran = Duration.ofNanos(now() - run.startNanos);
    tell("onAttemptSucceeded", listener -> listener.onAttemptSucceeded(run, ran));
    notifyFinished(run.index());
  }

  private void notifyFailed(AttemptRun run) {
    AttemptReport report = run.report();
    tell("onAttemptFailed", listener -> listener.onAttemptFailed(run, report));
  }

  private void notifyCancelled(AttemptRun run) {
    tell("onAttemptCancelled", listener -> listener.onAttemptCancelled(run));
  }

  private void notifyFinished(int winner) {
    int n = Math.min(started, runs.length);
    int hedges = 0;
    for (int i = 0; i < n; i++) {
      AttemptRun run = (AttemptRun) RUNS.getVolatile(runs, i);
      if (run != null && run.isHedge()) {
        hedges++;
      }
    }
    HedgeListener.CallSummary summary = new HedgeListener.CallSummary(
        winner >= 0, n, hedges, winner, Duration.ofNanos(now() - startNanos));
    tell("onCallFinished", listener -> listener.onCallFinished(summary));
  }

  /** Calls the listener; only called when there is one. Its exceptions are logged, never propagated. */
  private void tell(String event, Consumer<HedgeListener> call) {
    try {
      call.accept(config.listener);
    } catch (Throwable t) {
      LOG.warn("HedgeListener.{} threw", event, t);
    }
  }

  /** The outcome of a call without a winner. */
  private record Ended(int kind, Throwable fatalFailure, List<AttemptReport> reports) {
    static final int ALL_FAILED = 0;
    static final int FATAL = 1;
    static final int TIMEOUT = 2;
    static final int ABORTED = 3;
    /** The caller gave up: it throws InterruptedException, or its future is complete already. */
    static final Ended BY_CALLER = new Ended(ABORTED, null, List.of());

    RuntimeException exception(RaceConfig config) {
      return switch (kind) {
        case ALL_FAILED -> new AllAttemptsFailedException(reports);
        case FATAL -> new FatalFailureException(fatalFailure, reports);
        case TIMEOUT -> new HedgeTimeoutException(config.timeout, reports);
        default -> new CancellationException("The call was cancelled by its caller");
      };
    }
  }
}
