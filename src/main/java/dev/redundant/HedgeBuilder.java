package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.RaceConfig;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Builds a {@link Hedge}. Each setter checks its argument at once and names it in the exception;
 * {@link #build()} copies the settings, so a builder can be changed and built again without affecting the
 * policies it built before.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@link #maxAttempts(int) maxAttempts}</td><td>3</td><td>1 to {@value Hedge#MAX_ATTEMPTS}</td></tr>
 * <tr><td>{@link #delay(Duration) delay}</td><td>1 second</td><td>&gt;= 0; zero starts all attempts at once</td></tr>
 * <tr><td>{@link #timeout(Duration) timeout}</td><td>none</td><td>&gt; 0</td></tr>
 * <tr><td>{@link #attemptTimeout(Duration) attemptTimeout}</td><td>none</td><td>&gt; 0</td></tr>
 * <tr><td>{@link #fatalIf(Predicate) fatalIf}</td><td>no failure is fatal</td><td></td></tr>
 * <tr><td>{@link #rejectIf(Predicate) rejectIf}</td><td>every value is accepted</td><td></td></tr>
 * <tr><td>{@link #onDiscard(Consumer) onDiscard}</td><td>{@code close()} if {@link AutoCloseable}</td><td></td></tr>
 * <tr><td>{@link #waitForLosers(boolean) waitForLosers}</td><td>false</td><td></td></tr>
 * <tr><td>{@link #listener(HedgeListener) listener}</td><td>none</td><td></td></tr>
 * <tr><td>{@link #executor(Executor) executor} / {@link #threadFactory(ThreadFactory) threadFactory}</td>
 *     <td>a new virtual thread per attempt</td><td></td></tr>
 * <tr><td>{@link #timeSource(TimeSource) timeSource}</td><td>{@link TimeSource#system()}</td><td></td></tr>
 * <tr><td>{@link #copyMdc(boolean) copyMdc}</td><td>true</td><td></td></tr>
 * </table>
 *
 * <p><b>Thread safety:</b> a builder is not thread-safe; the policies it builds are.
 *
 * @param <T> the type of the values the calls return
 */
public final class HedgeBuilder<T> {
  private static final Executor VIRTUAL_THREAD_PER_ATTEMPT = Thread::startVirtualThread;

  private int maxAttempts = 3;
  private Duration delay = Duration.ofSeconds(1);
  private IntFunction<Duration> delays;
  private Duration timeout;
  private Duration attemptTimeout;
  private Predicate<? super Throwable> fatal = failure -> false;
  private Predicate<? super T> reject;
  private Consumer<? super T> onDiscard;
  private boolean waitForLosers;
  private HedgeListener listener;
  private Executor executor = VIRTUAL_THREAD_PER_ATTEMPT;
  private String executorName = "virtual thread per attempt";
  private TimeSource timeSource = TimeSource.system();
  private boolean copyMdc = true;

  HedgeBuilder() {}

  /**
   * Sets how many attempts a call may start in all, the first one included.
   *
   * @param maxAttempts 1 to {@value Hedge#MAX_ATTEMPTS}; default 3
   * @return this builder
   * @throws IllegalArgumentException if {@code maxAttempts} is out of bounds
   */
  public HedgeBuilder<T> maxAttempts(int maxAttempts) {
    requireArgument(maxAttempts >= 1 && maxAttempts <= Hedge.MAX_ATTEMPTS,
        "maxAttempts must be between 1 and %s, was %s", Hedge.MAX_ATTEMPTS, maxAttempts);
    this.maxAttempts = maxAttempts;
    return this;
  }

  /**
   * Sets the hedge delay: the next attempt starts when the latest one has run this long without any
   * attempt succeeding. A failed attempt starts the next one at once, without waiting out the delay.
   * Zero starts every attempt at once. Replaces a {@link #delay(IntFunction) per-attempt delay}.
   *
   * <p>Pick a delay near the 90th to 95th percentile of a good call's latency: hedges then cost about
   * 5 to 10% extra load and cut the tail.
   *
   * @param delay zero or positive; default 1 second
   * @return this builder
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public HedgeBuilder<T> delay(Duration delay) {
    requireNonNegative(delay, "delay");
    this.delay = delay;
    this.delays = null;
    return this;
  }

  /**
   * Sets a hedge delay per attempt, for staggering: {@code delayOf.apply(i)} is how long attempt
   * {@code i - 1} runs before attempt {@code i} starts as a hedge, for {@code i} from 1 to
   * {@code maxAttempts - 1}. The function is called by {@link #build()}, once per attempt index.
   * Replaces a {@link #delay(Duration) single delay}.
   *
   * @param delayOf maps an attempt index to its delay, zero or positive
   * @return this builder
   * @throws NullPointerException if {@code delayOf} is null
   */
  public HedgeBuilder<T> delay(IntFunction<Duration> delayOf) {
    this.delays = requireNonNull(delayOf, "delay");
    return this;
  }

  /**
   * Sets the call timeout: when it elapses before any attempt succeeded, every attempt is cancelled and
   * the call fails with {@link HedgeTimeoutException}, which carries the failures so far.
   *
   * @param timeout positive, or {@code null} for none (the default)
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public HedgeBuilder<T> timeout(Duration timeout) {
    this.timeout = requirePositiveOrNull(timeout, "timeout");
    return this;
  }

  /**
   * Sets the attempt timeout: an attempt still running this long after it started is cancelled and
   * counts as failed ({@link AttemptReport.Outcome#TIMED_OUT}), which starts the next attempt at once.
   *
   * @param attemptTimeout positive, or {@code null} for none (the default)
   * @return this builder
   * @throws IllegalArgumentException if {@code attemptTimeout} is zero or negative
   */
  public HedgeBuilder<T> attemptTimeout(Duration attemptTimeout) {
    this.attemptTimeout = requirePositiveOrNull(attemptTimeout, "attemptTimeout");
    return this;
  }

  /**
   * Sets which failures are fatal: an attempt that throws one ends the call at once with
   * {@link FatalFailureException}, cancelling every other attempt. Use it for failures that another
   * attempt cannot fix: a 4xx answer, {@link IllegalArgumentException}. Every other failure starts the
   * next attempt. By default no failure is fatal: retrying is the point of the policy, so declare what
   * retrying cannot fix. A predicate that throws makes the failure fatal, with its exception suppressed.
   * Rejected results and timed-out attempts are never fatal.
   *
   * @param isFatal tests an attempt's failure, exactly as thrown; called on the attempt's thread
   * @return this builder
   * @throws NullPointerException if {@code isFatal} is null
   */
  public HedgeBuilder<T> fatalIf(Predicate<? super Throwable> isFatal) {
    this.fatal = requireNonNull(isFatal, "fatalIf");
    return this;
  }

  /**
   * Sets which values count as failed attempts (an HTTP 503, an invalid model answer). A rejected value
   * is closed if {@link AutoCloseable}, recorded as {@link AttemptReport.Outcome#REJECTED} with a
   * {@link RejectedResultException}, and starts the next attempt. A predicate that throws rejects the
   * value. By default every value is accepted.
   *
   * @param isRejected tests a value an attempt returned (possibly {@code null}); called on the attempt's
   *     thread
   * @return this builder
   * @throws NullPointerException if {@code isRejected} is null
   */
  public HedgeBuilder<T> rejectIf(Predicate<? super T> isRejected) {
    this.reject = requireNonNull(isRejected, "rejectIf");
    return this;
  }

  /**
   * Sets how to dispose of a value that lost (it arrived after the winner) or was rejected, instead of
   * {@code close()}: for values that hold a resource without being {@link AutoCloseable}, such as an
   * {@code HttpResponse<InputStream>} ({@code r -> r.body().close()}) or a pooled connection handle. Never
   * called for the value the call returns (even when an attempt returned the same object), nor for
   * {@code null}. What it throws is logged at debug and ignored. Called on the thread that discards: an
   * attempt's thread, or the thread that cancelled or completed an asynchronous call's future after it
   * was decided.
   *
   * @param onDiscard disposes of a discarded value; {@code null} for the default: {@code close()} if the
   *     value is {@link AutoCloseable}
   * @return this builder
   */
  public HedgeBuilder<T> onDiscard(Consumer<? super T> onDiscard) {
    this.onDiscard = onDiscard;
    return this;
  }

  /**
   * Sets whether a call returns only after every attempt has ended. Off by default: the call returns as
   * soon as it is decided and losers end in the background after their interrupt. On, a loser that
   * ignores interrupts delays the caller; an interrupt of a synchronous caller stops the wait for losers
   * (the call returns its outcome with the interrupt status set).
   *
   * @param waitForLosers whether to wait; default false
   * @return this builder
   */
  public HedgeBuilder<T> waitForLosers(boolean waitForLosers) {
    this.waitForLosers = waitForLosers;
    return this;
  }

  /**
   * Sets the listener that receives this policy's events.
   *
   * @param listener the listener, or {@code null} for none (the default: no event work at all)
   * @return this builder
   */
  public HedgeBuilder<T> listener(HedgeListener listener) {
    this.listener = listener;
    return this;
  }

  /**
   * Runs attempts on {@code executor} instead of a new virtual thread each. Attempts are cancelled by
   * interrupting the thread that runs them, so the executor should run each task on a thread of its own
   * (not on the caller's thread); the library clears its own interrupt before the thread moves on. When
   * {@link Executor#execute} throws (a full or shut-down pool), that attempt fails with what it threw,
   * which starts the next attempt; a call whose attempts are all rejected fails with
   * {@link AllAttemptsFailedException}. Replaces a {@link #threadFactory(ThreadFactory) thread factory}.
   *
   * @param executor runs attempts
   * @return this builder
   * @throws NullPointerException if {@code executor} is null
   */
  public HedgeBuilder<T> executor(Executor executor) {
    this.executor = requireNonNull(executor, "executor");
    this.executorName = executor.toString();
    return this;
  }

  /**
   * Runs each attempt on a new thread from {@code threadFactory} (to name threads, or to use platform
   * threads). A factory that returns {@code null}, throws, or returns a thread it has already started
   * fails that attempt, as a rejecting {@link #executor(Executor) executor} does. Replaces an executor.
   *
   * @param threadFactory makes one thread per attempt
   * @return this builder
   * @throws NullPointerException if {@code threadFactory} is null
   */
  public HedgeBuilder<T> threadFactory(ThreadFactory threadFactory) {
    requireNonNull(threadFactory, "threadFactory");
    this.executor = new dev.redundant.internal.ThreadFactoryExecutor(threadFactory);
    this.executorName = executor.toString();
    return this;
  }

  /**
   * Sets the clock that hedge delays and timeouts read. Tests pass a
   * {@link dev.redundant.testing.ManualTimeSource} to fire delays and timeouts deterministically.
   *
   * @param timeSource the clock; default {@link TimeSource#system()}
   * @return this builder
   * @throws NullPointerException if {@code timeSource} is null
   */
  public HedgeBuilder<T> timeSource(TimeSource timeSource) {
    this.timeSource = requireNonNull(timeSource, "timeSource");
    return this;
  }

  /**
   * Sets whether every attempt runs with a copy of the caller's slf4j MDC (restored afterwards on the
   * attempt's thread).
   *
   * @param copyMdc whether to copy; default true
   * @return this builder
   */
  public HedgeBuilder<T> copyMdc(boolean copyMdc) {
    this.copyMdc = copyMdc;
    return this;
  }

  /**
   * Builds the policy from a copy of the current settings.
   *
   * @return a new immutable policy
   * @throws NullPointerException if the per-attempt delay function returns null
   * @throws IllegalArgumentException if the per-attempt delay function returns a negative delay
   */
  @SuppressWarnings("unchecked")
  public Hedge<T> build() {
    long[] delayNanos = new long[maxAttempts];
    for (int i = 1; i < maxAttempts; i++) {
      Duration d = delays == null ? delay : delays.apply(i);
      requireNonNegative(d, "delay(" + i + ")");
      delayNanos[i] = RaceConfig.saturatedNanos(d);
    }
    RaceConfig config = new RaceConfig(maxAttempts, delayNanos, timeout, attemptTimeout, fatal,
        (Predicate<Object>) reject, onDiscard, waitForLosers, listener, executor, timeSource, copyMdc);
    return new Hedge<>(config, describe(delayNanos));
  }

  private String describe(long[] delayNanos) {
    StringBuilder sb = new StringBuilder("Hedge[maxAttempts=").append(maxAttempts);
    if (maxAttempts > 1) {
      sb.append(", delay=").append(delays == null ? delay : "per attempt");
    }
    if (timeout != null) {
      sb.append(", timeout=").append(timeout);
    }
    if (attemptTimeout != null) {
      sb.append(", attemptTimeout=").append(attemptTimeout);
    }
    if (reject != null) {
      sb.append(", rejectIf");
    }
    if (onDiscard != null) {
      sb.append(", onDiscard");
    }
    if (waitForLosers) {
      sb.append(", waitForLosers");
    }
    if (executor != VIRTUAL_THREAD_PER_ATTEMPT) {
      sb.append(", executor=").append(executorName);
    }
    return sb.append(']').toString();
  }

  private static void requireNonNegative(Duration d, String name) {
    requireNonNull(d, name);
    requireArgument(!d.isNegative(), "%s must not be negative, was %s", name, d);
  }

  private static Duration requirePositiveOrNull(Duration d, String name) {
    requireArgument(d == null || (!d.isNegative() && !d.isZero()), "%s must be positive, was %s", name, d);
    return d;
  }
}
