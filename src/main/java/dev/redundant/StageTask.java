package dev.redundant;

import java.util.concurrent.CompletionStage;

/**
 * The work of one attempt for an asynchronous client: it <em>starts</em> the attempt and returns the
 * client's own {@link CompletionStage} of its outcome, for {@link Hedge#callStage(StageTask)} and
 * {@link Redundant#firstSuccessStage}. The stage's completion is the attempt's outcome: its value, or its
 * failure (a {@link java.util.concurrent.CompletionException} is unwrapped to its cause). A task that
 * throws, or returns {@code null} instead of a stage, fails that attempt.
 *
 * <p><b>Threads:</b> no thread runs an attempt. The task is invoked on the thread that starts the attempt:
 * the caller's for the first attempt, the call's clock watcher for a hedge, and the thread that completed
 * the failed attempt's stage for a failover. It must not block: start the request and return. A task that
 * might block (a client that resolves names or takes a pooled connection synchronously) should hand that
 * part to an executor of its own, for example {@code CompletableFuture.supplyAsync(() -> ..., executor)
 * .thenCompose(...)}. An outcome is classified ({@code rejectIf}, {@code fatalIf}) on the thread that
 * completes the stage.
 *
 * <p><b>Cancellation:</b> a losing attempt, an attempt that timed out, and every attempt of a call whose
 * future was cancelled are cancelled with {@code cancel(true)} on their stage (as a {@link
 * java.util.concurrent.Future}, else on {@link CompletionStage#toCompletableFuture()}), before the call's
 * future completes. That aborts the request only where the client's future supports it: the JDK
 * {@code HttpClient}'s {@code sendAsync} future does (it closes the HTTP/1.1 connection or resets the
 * HTTP/2 stream); a plain {@link java.util.concurrent.CompletableFuture} only completes exceptionally and
 * lets the work behind it run on. No thread is interrupted. A value that completes a stage after its
 * attempt lost is discarded ({@link HedgeBuilder#onDiscard}).
 *
 * <p><b>Thread safety:</b> a call invokes the same task object once per attempt, possibly from several
 * threads at once.
 *
 * @param <T> the type of the value of the stage; {@code null} is a valid value
 */
@FunctionalInterface
public interface StageTask<T> {

  /**
   * Starts one attempt and returns the stage of its outcome, without blocking.
   *
   * @param attempt which attempt this is
   * @return the attempt's stage, not null
   * @throws Exception anything starting the attempt throws: that attempt's failure
   */
  CompletionStage<T> start(Attempt attempt) throws Exception;
}
