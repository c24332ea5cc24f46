package dev.redundant;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Races identical attempts of a task: the simplest use of the library.
 *
 * <pre>{@code
 * String data = Redundant.firstSuccess(2, () -> client.fetch(id)); // throws InterruptedException
 * }</pre>
 *
 * <p>{@code firstSuccess(n, task)} starts {@code n} attempts at once, each on a virtual thread of its own,
 * and returns the value of the first attempt to <em>succeed</em> ({@code null} included). A failure never
 * beats a later success; any {@link Throwable} an attempt throws is that attempt's failure. It is
 * {@link Hedge} with {@code maxAttempts(n)}, {@code delay(Duration.ZERO)} and the other settings at their
 * defaults: read {@link Hedge} for the full contract. In short:
 *
 * <ul>
 * <li><b>Cancellation:</b> upon normal or exceptional return, attempts that have not completed are
 *     cancelled by interrupting their threads; the call does not wait for them, so a loser that ignores
 *     interrupts does not delay the caller.</li>
 * <li><b>Failure:</b> when all {@code n} attempts fail, {@link AllAttemptsFailedException} holds the
 *     {@code n} failures exactly as thrown, in attempt order; the first is its cause, the others
 *     suppressed.</li>
 * <li><b>Interruption:</b> a caller interrupted while waiting, or on entry, gets
 *     {@link InterruptedException} (interrupt status cleared) and every attempt is interrupted; on entry no
 *     attempt starts.</li>
 * <li><b>Memory consistency:</b> actions of the winning attempt happen-before the return of the call.</li>
 * </ul>
 *
 * <p><b>Thread safety:</b> every method may be called from any thread, platform or virtual, concurrently.
 * Nothing needs to be shut down.
 */
public final class Redundant {
  /** firstSuccess policies by n: the simple API is a thin call of {@link Hedge}. */
  private static final Hedge<?>[] FIRST_SUCCESS = new Hedge<?>[Hedge.MAX_ATTEMPTS + 1];

  static {
    for (int n = 1; n <= Hedge.MAX_ATTEMPTS; n++) {
      // No statistics: nobody can read them, and these policies must cost no more than the race itself.
      FIRST_SUCCESS[n] = Hedge.builder().maxAttempts(n).delay(Duration.ZERO).withoutStatistics().build();
    }
  }

  private Redundant() {}

  /**
   * Starts {@code n} attempts of {@code task} at once and returns the first successful value.
   *
   * @param n how many attempts, 1 to {@value Hedge#MAX_ATTEMPTS}
   * @param task the work of each attempt
   * @param <T> the value type
   * @return the value of the first attempt to succeed, possibly {@code null}
   * @throws AllAttemptsFailedException if all {@code n} attempts failed
   * @throws InterruptedException if the calling thread was interrupted before a winner
   * @throws IllegalArgumentException if {@code n} is out of bounds ({@code n must be between 1 and 100
   *     attempts, was 0}, the message of {@link HedgeBuilder#maxAttempts(int)}); nothing starts
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public static <T> T firstSuccess(int n, Callable<? extends T> task) throws InterruptedException {
    return Redundant.<T>policy(n, task).call(task);
  }

  /**
   * Starts {@code n} attempts of {@code task} at once and returns a future of the first successful value.
   * The future completes exceptionally with {@link AllAttemptsFailedException} if all attempts fail;
   * cancelling it interrupts every attempt still running.
   *
   * @param n how many attempts, 1 to {@value Hedge#MAX_ATTEMPTS}
   * @param task the work of each attempt
   * @param <T> the value type
   * @return the call's future, returned at once
   * @throws IllegalArgumentException if {@code n} is out of bounds; nothing starts
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public static <T> CompletableFuture<T> firstSuccessAsync(int n, Callable<? extends T> task) {
    return Redundant.<T>policy(n, task).callAsync(task);
  }

  /**
   * Starts {@code n} attempts of an asynchronous {@code task} at once, each returning a stage of its own,
   * and returns a future of the first successful value; no thread runs an attempt (see
   * {@link StageTask}). When one succeeds the others' stages are cancelled with {@code cancel(true)}
   * before the future completes; cancelling the future cancels them all. The future completes
   * exceptionally with {@link AllAttemptsFailedException} if all attempts fail.
   *
   * @param n how many attempts, 1 to {@value Hedge#MAX_ATTEMPTS}
   * @param task starts one attempt and returns its stage, on the calling thread; it must not block
   * @param <T> the value type
   * @return the call's future, returned once every attempt was started
   * @throws IllegalArgumentException if {@code n} is out of bounds; nothing starts
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public static <T> CompletableFuture<T> firstSuccessStage(int n, Supplier<? extends CompletionStage<T>> task) {
    HedgeBuilder.requireAttemptCount(n, "n");
    requireNonNull(task, "task");
    StageTask<T> staged = attempt -> task.get();
    @SuppressWarnings("unchecked")
    Hedge<T> policy = (Hedge<T>) FIRST_SUCCESS[n];
    return policy.callStage(staged);
  }

  @SuppressWarnings("unchecked")
  private static <T> Hedge<T> policy(int n, Callable<?> task) {
    HedgeBuilder.requireAttemptCount(n, "n");
    requireNonNull(task, "task");
    return (Hedge<T>) FIRST_SUCCESS[n];
  }
}
