package dev.redundant;

import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Race;
import dev.redundant.internal.RaceConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

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

  private final RaceConfig config;
  private final String description;

  Hedge(RaceConfig config, String description) {
    this.config = config;
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
    return Race.call(config, requireNonNull(task, "task"));
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
    return Race.call(config, requireNonNull(task, "task"));
  }

  /**
   * Starts a call and returns at once. The future completes with the winner's value, or exceptionally
   * with an {@link AllAttemptsFailedException} (or subclass).
   *
   * <p>Cancelling the future, or completing it from outside (for example with
   * {@link CompletableFuture#orTimeout}), ends the call and interrupts every attempt still running. A call
   * with a positive delay or a timeout watches the clock from a virtual thread of its own, which ends with
   * the call.
   *
   * @param task the work of each attempt; it receives the {@link Attempt} it runs as
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(AttemptTask<? extends T> task) {
    return Race.callAsync(config, requireNonNull(task, "task"));
  }

  /**
   * Starts a call of a plain {@link Callable} and returns at once; as {@link #callAsync(AttemptTask)}.
   *
   * @param task the work of each attempt
   * @return the call's future
   * @throws NullPointerException if {@code task} is null; nothing starts
   */
  public CompletableFuture<T> callAsync(Callable<? extends T> task) {
    return Race.callAsync(config, requireNonNull(task, "task"));
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
