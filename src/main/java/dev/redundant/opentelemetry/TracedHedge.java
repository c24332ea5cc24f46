package dev.redundant.opentelemetry;

import static java.util.Objects.requireNonNull;

import dev.redundant.AttemptTask;
import dev.redundant.CallOptions;
import dev.redundant.Hedge;
import dev.redundant.HedgeResult;
import dev.redundant.opentelemetry.HedgeTracing.CallRef;
import dev.redundant.opentelemetry.HedgeTracing.CallTrace;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Hedge} whose calls are traced by a {@link HedgeTracing}: the same methods, the same behaviour,
 * and for each call a span with a child span per attempt (see {@link HedgeTracing} for what they hold).
 * Get one from {@link HedgeTracing#traced(Hedge)}.
 *
 * <p>Each method starts the call's span as a child of {@link io.opentelemetry.context.Context#current()}
 * on the calling thread, runs the call on the policy, and ends the span when the call ends: before a
 * synchronous call returns or throws, and before an async call's future completes. Values, exceptions,
 * {@code InterruptedException} and the futures' cancellation behave as on {@link Hedge}: cancelling or
 * completing a returned future from outside interrupts every attempt still running.
 *
 * <p><b>Thread safety:</b> immutable and thread-safe, as the policy is.
 *
 * @param <T> the type of the values the calls return
 */
public final class TracedHedge<T> {
  private final HedgeTracing tracing;
  private final Hedge<T> hedge;

  TracedHedge(HedgeTracing tracing, Hedge<T> hedge) {
    this.tracing = tracing;
    this.hedge = hedge;
  }

  /**
   * Returns the policy this traces; calls made on it directly make no spans.
   *
   * @return the policy
   */
  public Hedge<T> hedge() {
    return hedge;
  }

  /**
   * Runs a traced call and waits for its outcome, as {@link Hedge#call(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public T call(AttemptTask<? extends T> task) throws InterruptedException {
    return runValue(null, requireNonNull(task, "task"));
  }

  /**
   * Runs a traced call of a plain task, as {@link Hedge#call(Callable)}.
   *
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public T call(Callable<? extends T> task) throws InterruptedException {
    return runValue(null, adapt(task));
  }

  /**
   * Runs a traced call with settings of its own, as {@link Hedge#call(CallOptions, AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public T call(CallOptions options, AttemptTask<? extends T> task) throws InterruptedException {
    return runValue(requireNonNull(options, "options"), requireNonNull(task, "task"));
  }

  /**
   * Runs a traced call of a plain task with settings of its own, as {@link Hedge#call(CallOptions, Callable)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value of the winning attempt, possibly {@code null}
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public T call(CallOptions options, Callable<? extends T> task) throws InterruptedException {
    return runValue(requireNonNull(options, "options"), adapt(task));
  }

  /**
   * Starts a traced call and returns its future at once, as {@link Hedge#callAsync(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(AttemptTask<? extends T> task) {
    return startValue(null, requireNonNull(task, "task"));
  }

  /**
   * Starts a traced call of a plain task, as {@link Hedge#callAsync(Callable)}.
   *
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(Callable<? extends T> task) {
    return startValue(null, adapt(task));
  }

  /**
   * Starts a traced call with settings of its own, as {@link Hedge#callAsync(CallOptions, AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public CompletableFuture<T> callAsync(CallOptions options, AttemptTask<? extends T> task) {
    return startValue(requireNonNull(options, "options"), requireNonNull(task, "task"));
  }

  /**
   * Starts a traced call of a plain task with settings of its own, as
   * {@link Hedge#callAsync(CallOptions, Callable)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public CompletableFuture<T> callAsync(CallOptions options, Callable<? extends T> task) {
    return startValue(requireNonNull(options, "options"), adapt(task));
  }

  /**
   * Runs a traced call and returns its {@link HedgeResult}, as {@link Hedge#callForResult(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the value, the winner, a report per attempt and the duration
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public HedgeResult<T> callForResult(AttemptTask<? extends T> task) throws InterruptedException {
    return run(null, requireNonNull(task, "task"), Function.identity());
  }

  /**
   * Runs a traced call of a plain task and returns its {@link HedgeResult}, as
   * {@link Hedge#callForResult(Callable)}.
   *
   * @param task the work of each attempt
   * @return the value, the winner, a report per attempt and the duration
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public HedgeResult<T> callForResult(Callable<? extends T> task) throws InterruptedException {
    return run(null, adapt(task), Function.identity());
  }

  /**
   * Runs a traced call with settings of its own and returns its {@link HedgeResult}, as
   * {@link Hedge#callForResult(CallOptions, AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value, the winner, a report per attempt and the duration
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public HedgeResult<T> callForResult(CallOptions options, AttemptTask<? extends T> task)
      throws InterruptedException {
    return run(requireNonNull(options, "options"), requireNonNull(task, "task"),
        Function.identity());
  }

  /**
   * Runs a traced call of a plain task with settings of its own and returns its {@link HedgeResult}, as
   * {@link Hedge#callForResult(CallOptions, Callable)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the value, the winner, a report per attempt and the duration
   * @throws dev.redundant.AllAttemptsFailedException if no attempt succeeded
   * @throws InterruptedException if the calling thread was interrupted before the call was decided
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public HedgeResult<T> callForResult(CallOptions options, Callable<? extends T> task) throws InterruptedException {
    return run(requireNonNull(options, "options"), adapt(task), Function.identity());
  }

  /**
   * Starts a traced call whose future completes with its {@link HedgeResult}, as
   * {@link Hedge#callForResultAsync(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(AttemptTask<? extends T> task) {
    return start(null, requireNonNull(task, "task"), Function.identity());
  }

  /**
   * Starts a traced call of a plain task whose future completes with its {@link HedgeResult}, as
   * {@link Hedge#callForResultAsync(Callable)}.
   *
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(Callable<? extends T> task) {
    return start(null, adapt(task), Function.identity());
  }

  /**
   * Starts a traced call with settings of its own whose future completes with its {@link HedgeResult}, as
   * {@link Hedge#callForResultAsync(CallOptions, AttemptTask)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(CallOptions options, AttemptTask<? extends T> task) {
    return start(requireNonNull(options, "options"), requireNonNull(task, "task"),
        Function.identity());
  }

  /**
   * Starts a traced call of a plain task with settings of its own whose future completes with its
   * {@link HedgeResult}, as {@link Hedge#callForResultAsync(CallOptions, Callable)}.
   *
   * @param options this call's settings
   * @param task the work of each attempt
   * @return the call's future; cancelling it interrupts every attempt
   * @throws NullPointerException if an argument is null; nothing starts
   */
  public CompletableFuture<HedgeResult<T>> callForResultAsync(CallOptions options, Callable<? extends T> task) {
    return start(requireNonNull(options, "options"), adapt(task), Function.identity());
  }

  /**
   * Describes the traced policy, for logs.
   *
   * @return for example {@code TracedHedge[HedgeTracing[policy=quotes], Hedge[maxAttempts=5]]}
   */
  @Override
  public String toString() {
    return "TracedHedge[" + tracing + ", " + hedge + "]";
  }

  private static <T> AttemptTask<T> adapt(Callable<? extends T> task) {
    requireNonNull(task, "task");
    return attempt -> task.call();
  }

  /** A call for its value: a call that does not record runs on the policy as it is, its attempts in its context. */
  private T runValue(@Nullable CallOptions options, AttemptTask<? extends T> task) throws InterruptedException {
    CallTrace call = tracing.begin();
    if (call.recording) {
      return run(call, options, task, HedgeResult::value);
    }
    try {
      AttemptTask<T> inContext = call.wrap(task);
      return options == null ? hedge.call(inContext) : hedge.call(options, inContext);
    } finally {
      call.span.end(); // a no-op: nothing records it
    }
  }

  /** An async call for its value; see {@link #runValue}. */
  private CompletableFuture<T> startValue(@Nullable CallOptions options, AttemptTask<? extends T> task) {
    CallTrace call = tracing.begin();
    if (call.recording) {
      return start(call, options, task, HedgeResult::value);
    }
    call.span.end(); // a no-op: nothing records it; its context still travels with the attempts
    AttemptTask<T> inContext = call.wrap(task);
    return options == null ? hedge.callAsync(inContext) : hedge.callAsync(options, inContext);
  }

  private <R> R run(@Nullable CallOptions options, AttemptTask<? extends T> task, Function<HedgeResult<T>, R> value)
      throws InterruptedException {
    return run(tracing.begin(), options, task, value);
  }

  private <R> CompletableFuture<R> start(@Nullable CallOptions options, AttemptTask<? extends T> task,
      Function<HedgeResult<T>, R> value) {
    return start(tracing.begin(), options, task, value);
  }

  private <R> R run(CallTrace call, @Nullable CallOptions options, AttemptTask<? extends T> task,
      Function<HedgeResult<T>, R> value) throws InterruptedException {
    CallRef previous = HedgeTracing.enter(call);
    HedgeResult<T> result;
    try {
      AttemptTask<T> traced = call.wrap(task);
      result = options == null ? hedge.callForResult(traced) : hedge.callForResult(options, traced);
    } catch (Throwable t) {
      call.failed(t);
      throw t;
    } finally {
      HedgeTracing.leave(previous);
    }
    call.succeeded(result);
    return value.apply(result);
  }

  private <R> CompletableFuture<R> start(CallTrace call, @Nullable CallOptions options, AttemptTask<? extends T> task,
      Function<HedgeResult<T>, R> value) {
    CallRef previous = HedgeTracing.enter(call); // the call's clock thread inherits it
    CompletableFuture<HedgeResult<T>> source;
    try {
      AttemptTask<T> traced = call.wrap(task);
      source = options == null ? hedge.callForResultAsync(traced) : hedge.callForResultAsync(options, traced);
    } catch (Throwable t) {
      call.failed(t);
      throw t;
    } finally {
      HedgeTracing.leave(previous);
    }
    TracedFuture<R> future = new TracedFuture<>(source);
    CompletableFuture<?> unused = source.whenComplete((result, failure) -> {
      if (failure == null) {
        call.succeeded(result);
        future.settle(value.apply(result));
      } else {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            && !(failure instanceof CancellationException) ? failure.getCause() : failure;
        call.failed(cause);
        future.settleExceptionally(cause);
      }
    });
    return future;
  }
}
