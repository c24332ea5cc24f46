package dev.redundant;

import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Race;
import dev.redundant.internal.TaskKind;
import dev.redundant.internal.Nanos;
import dev.redundant.internal.PolicyRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A hedging policy: runs up to {@code maxAttempts} attempts of a task, returns the first value that
 * succeeds, cancels the other attempts, and reports every failure when none succeeds. Build one with
 * {@link #builder()}, keep it in a field, and call it as often as you like:
 *
 * <pre>{@code
 * Hedge<Quote> hedge = Hedge.builder().maxAttempts(5).delay(Duration.ofSeconds(1)).build();
 * Quote q = hedge.call(attempt -> replicas.get(attempt.index() % replicas.size()).quote(symbol));
 * }</pre>
 *
 * <h2>Tasks: {@code AttemptTask} or {@code Callable}</h2>
 * {@link #call} and {@link #callAsync} take either an {@link AttemptTask}, which receives the
 * {@link Attempt} it runs as, or a plain {@link Callable}. A lambda picks its overload by its parameters:
 * {@code attempt -> ...} is an {@code AttemptTask}, {@code () -> ...} a {@code Callable}, and so is a method
 * reference to a method that is not overloaded. Two forms fit both and javac rejects them with
 * "reference to call is ambiguous": a method reference to an <em>overloaded</em> method
 * ({@code hedge.call(client::quote)} when {@code client} has {@code quote()} and {@code quote(String)}),
 * and a bare {@code null}. Write a lambda instead ({@code hedge.call(() -> client.quote())}), or give the
 * reference a type ({@code hedge.call((Callable<Quote>) client::quote)}).
 *
 * <h2>When attempts start</h2>
 * The first attempt starts at once. The next one starts when the previous attempt has run for its
 * {@linkplain HedgeBuilder#delay(java.time.Duration) delay} without any attempt succeeding (a
 * <em>hedge</em>), or at once when an attempt fails (a <em>failover</em>), whichever comes first. With a
 * zero delay every attempt starts at once, as {@link Redundant#firstSuccess(int, Callable)} does. No more
 * than {@code maxAttempts} attempts start per call. By default each attempt runs on a virtual thread of
 * its own.
 *
 * <h2>How a call ends</h2>
 * <ul>
 * <li>The first attempt to return a value that the {@linkplain HedgeBuilder#rejectIf result predicate}
 *     accepts wins; {@code null} is a valid value. A failure never beats a later success.</li>
 * <li>When every attempt failed: {@link AllAttemptsFailedException}, with each attempt's failure exactly
 *     as thrown and a report per attempt.</li>
 * <li>When an attempt fails with a failure the policy classifies as fatal ({@link HedgeBuilder#fatalOn
 *     fatalOn}, {@link HedgeBuilder#fatalIf fatalIf}): {@link FatalFailureException} at once, with the
 *     other attempts cancelled.</li>
 * <li>When the {@linkplain HedgeBuilder#timeout call timeout} elapses first: {@link HedgeTimeoutException}.</li>
 * </ul>
 *
 * <h2>Per-call options, results and statistics</h2>
 * Each method has a form that takes {@link CallOptions} first: a timeout or {@link Deadline} for this call,
 * replacing the policy's timeout. {@link #callForResult(AttemptTask) callForResult} returns a
 * {@link HedgeResult}: the value, the winner's index, a report per attempt and the call's duration.
 * {@link #statistics()} is a snapshot of what the policy has done since it was built; its counters are
 * always on and cost a few striped increments per call.
 *
 * <h2>Closed loop</h2>
 * With {@link HedgeBuilder#adaptiveDelay adaptiveDelay} the delay is learnt from the policy's calls; with
 * {@link HedgeBuilder#budget budget} hedges and failovers are funded by successful calls. A hedge or
 * failover they refuse is not started ({@link HedgeListener#onAttemptSkipped}); attempts in flight are
 * never stopped by them.
 *
 * <h2>Cancellation</h2>
 * Upon normal or exceptional return, attempts that have not completed are cancelled by interrupting their
 * threads. The call does not wait for them (unless {@linkplain HedgeBuilder#waitForLosers(boolean) asked
 * to}): a loser that ignores interrupts does not delay the caller. A value that an attempt returns after
 * the call was decided, or that the policy rejects, is discarded: passed to the policy's
 * {@linkplain HedgeBuilder#onDiscard onDiscard} action, or else closed when {@link AutoCloseable}; the
 * value the call returns is never discarded. The library never leaves its own interrupt on a thread that it
 * did not create.
 *
 * <p>Once the call is decided, every other attempt is interrupted before the outcome is delivered:
 * {@code call} returns or throws, and the future of {@code callAsync} completes, only after the losers were
 * interrupted, so a dependent stage ({@code thenApply}) may rely on it.
 *
 * <h2>Errors</h2>
 * A {@link VirtualMachineError} ({@link OutOfMemoryError}, {@link StackOverflowError}) or an
 * {@link AssertionError} thrown by an attempt is never failed over: it ends the call at once, every other
 * attempt is interrupted, and {@code call} throws that error itself (the future of {@code callAsync}
 * completes exceptionally with it). A failed test assertion inside an attempt therefore fails the test.
 *
 * <h2>Interruption</h2>
 * {@link #call} throws {@link InterruptedException} when the calling thread is interrupted before the call
 * is decided (or is interrupted on entry, in which case no attempt starts); every attempt still running is
 * interrupted, and the interrupt status is cleared, as the JDK's blocking methods do. An interrupt that
 * arrives once the call is decided does not discard its outcome: the call returns (or throws) it with the
 * interrupt status set.
 *
 * <h2>Memory consistency</h2>
 * Actions of the winning attempt happen-before the return of {@link #call}, and the completion of the
 * future returned by {@link #callAsync}. Actions of the caller before the call happen-before every
 * attempt's task.
 *
 * <h2>Thread safety</h2>
 * Immutable and thread-safe: one instance serves any number of concurrent calls. A call owns no thread
 * pool, timer or other resource: there is nothing to shut down.
 *
 * @param <T> the type of the values the calls return
 */
public final class Hedge<T> {
  /** The largest {@code maxAttempts} a policy accepts. */
  public static final int MAX_ATTEMPTS = 100;

  private final PolicyRuntime config;
  /** The policy's clock: a call's {@link Deadline} must be on it. */
  private final TimeSource timeSource;
  private final String description;

  Hedge(PolicyRuntime config, TimeSource timeSource, String description) {
    this.config = config;
    this.timeSource = timeSource;
    this.description = description;
  }

  /**
   * Returns a builder with every setting at its default. No type witness is needed: {@code
   * Hedge<Quote> h = Hedge.builder().maxAttempts(3).build();} compiles, since {@link HedgeBuilder#build()}
   * takes its type from the assignment. Give one ({@code Hedge.<Quote>builder()}) only to call
   * {@link HedgeBuilder#rejectIf rejectIf} with a predicate that reads the value's type.
   *
   * @param <T> the type of the values the calls return; {@code Object} when not given
   * @return a new builder
   */
  public static <T> HedgeBuilder<T> builder() {
    return new HedgeBuilder<>();
  }

  /**
   * Runs a call and waits for its outcome. See the class description for what a call does and for how a
   * lambda chooses between this method and {@link #call(Callable)}.
   *
   * @param task the work of each attempt; it receives the {@link Attempt} it runs as
   * @return the value of the winning attempt, possibly {@code null}
   * @throws AllAttemptsFailedException if no attempt succeeded (see the subclasses for early ends)
   * @throws InterruptedException if the calling thread was interrupted before the call was decided (the
   *     interrupt status is then cleared: restore it, or let the exception propagate)
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public T call(AttemptTask<? extends T> task) throws InterruptedException {
    return run(null, requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, false);
  }

  /**
   * Runs a call of a plain {@link Callable} and waits for its outcome; as {@link #call(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws AllAttemptsFailedException if no attempt succeeded (see the subclasses for early ends)
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public T call(Callable<? extends T> task) throws InterruptedException {
    return run(null, requireNonNull(task, "task"), TaskKind.CALLABLE, false);
  }

  /**
   * Starts a call and returns at once. The future completes with the winner's value, or exceptionally
   * with an {@link AllAttemptsFailedException} (or subclass).
   *
   * <p>Cancelling the future, or completing it from outside (for example with
   * {@link CompletableFuture#orTimeout}), ends the call and interrupts every attempt still running. A call
   * with a positive delay or a timeout watches the clock from a virtual thread of its own, which ends with
   * the call; on the system clock that thread starts only when the first hedge or timeout is due (the
   * library's one shared timer starts it), so a call decided before then starts none.
   *
   * @param task the work of each attempt; it receives the {@link Attempt} it runs as
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(AttemptTask<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, false);
  }

  /**
   * Starts a call of a plain {@link Callable} and returns at once; as {@link #callAsync(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(Callable<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.CALLABLE, false);
  }

  /**
   * Starts a call whose attempts return a stage of their own, for asynchronous clients (the JDK
   * {@code HttpClient.sendAsync}, the AWS SDK's async clients, Lettuce, gRPC future stubs), and returns at
   * once. The semantics are those of {@link #callAsync(AttemptTask)}: first success wins, a failure starts
   * the next attempt at once, a hedge starts after the delay, with the policy's adaptive delay, budget,
   * timeouts, predicates, listener and statistics. What differs is who runs an attempt: nobody. See
   * {@link StageTask} for the threads the task is invoked on and why it must not block.
   *
   * <p><b>Cancellation:</b> losers, attempts that timed out and, when this future is cancelled or
   * completed from outside, every attempt, are cancelled with {@code cancel(true)} on their stage before
   * this future completes; no thread is interrupted. Whether that aborts the request is up to the client's
   * future (the JDK {@code HttpClient}'s does). A call with a positive delay or a timeout watches the clock
   * from one virtual thread of its own, which ends with the call, and on the system clock starts only when
   * its first hedge or timeout is due; no thread exists per attempt.
   *
   * <p>Use {@link #callAsync(AttemptTask)} (or {@link #call(AttemptTask)}) when the client blocks: then an
   * attempt runs on a thread of the policy's executor and a loser is interrupted.
   *
   * @param task starts each attempt and returns its stage
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callStage(StageTask<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.STAGE, false);
  }

  /**
   * Starts a call whose attempts return a stage, with settings of its own; as
   * {@link #callStage(StageTask)}, with {@code options}' time limit replacing the policy's timeout.
   *
   * @param options this call's settings
   * @param task starts each attempt and returns its stage
   * @return the call's future; completed exceptionally with a {@link HedgeTimeoutException} at once if
   *     the deadline had passed (then no attempt starts)
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public CompletableFuture<T> callStage(CallOptions options, StageTask<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.STAGE, false);
  }

  /**
   * Starts a call whose attempts return a stage and completes with its {@link HedgeResult}; as
   * {@link #callStage(StageTask)}.
   *
   * @param task starts each attempt and returns its stage
   * @return the future of the call's result
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callStageForResult(StageTask<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.STAGE, true);
  }

  /**
   * Runs a call with settings of its own and waits for its outcome; as {@link #call(AttemptTask)}, with
   * the time limit of {@code options} instead of the policy's timeout.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws AllAttemptsFailedException if no attempt succeeded; {@link HedgeTimeoutException} if the
   *     limit elapsed first, or the deadline had passed when the call started (then no attempt starts)
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public T call(CallOptions options, AttemptTask<? extends T> task) throws InterruptedException {
    return run(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, false);
  }

  /**
   * Runs a call of a plain {@link Callable} with settings of its own; as {@link #call(CallOptions,
   * AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws AllAttemptsFailedException if no attempt succeeded (see {@link #call(CallOptions, AttemptTask)})
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public T call(CallOptions options, Callable<? extends T> task) throws InterruptedException {
    return run(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.CALLABLE, false);
  }

  /**
   * Starts a call with settings of its own and returns at once; as {@link #callAsync(AttemptTask)}. When
   * the limit of {@code options} elapses first, the future completes exceptionally with a
   * {@link HedgeTimeoutException} that carries every failure so far (which
   * {@link CompletableFuture#orTimeout} would lose).
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public CompletableFuture<T> callAsync(CallOptions options, AttemptTask<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, false);
  }

  /**
   * Starts a call of a plain {@link Callable} with settings of its own; as {@link #callAsync(CallOptions,
   * AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public CompletableFuture<T> callAsync(CallOptions options, Callable<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.CALLABLE, false);
  }

  /**
   * Runs a call and returns its value with how it was won: the winner's index, a report per attempt
   * (the winner's {@link AttemptReport.Outcome#SUCCEEDED}) and the call's duration. Fails as
   * {@link #call(AttemptTask)} does.
   *
   * @param task the work of each attempt
   * @return the result
   * @throws AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public HedgeResult<T> callForResult(AttemptTask<? extends T> task) throws InterruptedException {
    return run(null, requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, true);
  }

  /**
   * Runs a call of a plain {@link Callable} and returns its {@link HedgeResult}; as
   * {@link #callForResult(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the result
   * @throws AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public HedgeResult<T> callForResult(Callable<? extends T> task) throws InterruptedException {
    return run(null, requireNonNull(task, "task"), TaskKind.CALLABLE, true);
  }

  /**
   * Runs a call with settings of its own and returns its {@link HedgeResult}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the result
   * @throws AllAttemptsFailedException if no attempt succeeded (see {@link #call(CallOptions, AttemptTask)})
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public HedgeResult<T> callForResult(CallOptions options, AttemptTask<? extends T> task)
      throws InterruptedException {
    return run(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, true);
  }

  /**
   * Runs a call of a plain {@link Callable} with settings of its own and returns its {@link HedgeResult}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the result
   * @throws AllAttemptsFailedException if no attempt succeeded (see {@link #call(CallOptions, AttemptTask)})
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public HedgeResult<T> callForResult(CallOptions options, Callable<? extends T> task) throws InterruptedException {
    return run(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.CALLABLE, true);
  }

  /**
   * Starts a call and returns a future of its {@link HedgeResult}; as {@link #callAsync(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(AttemptTask<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, true);
  }

  /**
   * Starts a call of a plain {@link Callable} and returns a future of its {@link HedgeResult}.
   *
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(Callable<? extends T> task) {
    return start(null, requireNonNull(task, "task"), TaskKind.CALLABLE, true);
  }

  /**
   * Starts a call with settings of its own and returns a future of its {@link HedgeResult}; as
   * {@link #callAsync(CallOptions, AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(CallOptions options, AttemptTask<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.ATTEMPT_TASK, true);
  }

  /**
   * Starts a call of a plain {@link Callable} with settings of its own and returns a future of its
   * {@link HedgeResult}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if an argument is null; nothing starts
   * @throws IllegalArgumentException if the options' {@link Deadline} is on another time source than
   *     the policy's ({@link HedgeBuilder#timeSource(TimeSource) timeSource}); nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(CallOptions options, Callable<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"), TaskKind.CALLABLE, true);
  }

  /**
   * Returns a snapshot of what this policy has done since it was built: calls, attempts, hedges,
   * failovers, what its budget and deadlines prevented, its current delay and recent latency. See
   * {@link HedgeStatistics} for how to read it. Safe to call at any time from any thread; it does not
   * stop calls.
   *
   * @return a snapshot
   */
  public HedgeStatistics statistics() {
    return config.statistics();
  }

  /** A synchronous call with optional settings; {@code options} null: the policy's. */
  // R is T, or HedgeResult<T> when withResult: one cast, checked by the callers
  @SuppressWarnings("TypeParameterUnusedInFormals")
  private <R> R run(@Nullable CallOptions options, Object task, TaskKind kind, boolean withResult)
      throws InterruptedException {
    long limit = limitOf(options);
    if (limit == 0) {
      throw expired();
    }
    return Race.call(config, task, kind, limit, withResult);
  }

  /** An asynchronous call with optional settings; {@code options} null: the policy's. */
  private <R> CompletableFuture<R> start(@Nullable CallOptions options, Object task, TaskKind kind,
      boolean withResult) {
    long limit = limitOf(options);
    if (limit == 0) {
      return CompletableFuture.failedFuture(expired());
    }
    return Race.callAsync(config, task, kind, limit, withResult);
  }

  private long limitOf(@Nullable CallOptions options) {
    return options == null ? Race.POLICY_LIMIT : options.limitNanos(timeSource);
  }

  /** The failure of a call whose deadline had passed before it started: no attempt started. */
  private static HedgeTimeoutException expired() {
    return new HedgeTimeoutException(Duration.ZERO, List.of());
  }

  /**
   * Describes the settings, for logs.
   *
   * @return for example {@code Hedge[maxAttempts=5, delay=PT1S]}
   */
  @Override
  public String toString() {
    return description;
  }
}
