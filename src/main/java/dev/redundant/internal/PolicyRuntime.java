package dev.redundant.internal;

import dev.redundant.AdaptiveDelay;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeStatistics;
import dev.redundant.RejectedResultException;
import dev.redundant.TimeSource;
import dev.redundant.internal.loop.ClosedLoop;
import dev.redundant.internal.loop.TokenBudget;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A policy's runtime: its validated, immutable settings, as the engine reads them, and the per-policy
 * helpers built from them (its {@link CallClock}, its {@link EventRelay}, its {@link ClosedLoop}, its
 * {@link SpinAdvisor}s). Built only by
 * {@code HedgeBuilder}, which checks every value; the engine trusts them. {@code delayNanos[i]} is the
 * hedge delay of attempt {@code i >= 1} after the previous attempt's start ({@link Nanos#NEVER}: no hedge);
 * a {@code null} timeout or attempt timeout means none; a {@code null} reject predicate accepts every
 * value; a {@code null} listener means no events; a {@code null} discard action closes
 * {@link AutoCloseable} values. With an adaptive delay, {@code delayNanos} is the warm-up delay.
 *
 * <p><b>Closed loop.</b> The adaptive delay, the budget and the statistics live in the policy's
 * {@link ClosedLoop}, each absent when the policy does not use it, so that a policy pays only for what it
 * uses: {@code Redundant.firstSuccess}'s shared policies have none of them.
 *
 * <p><b>Thread safety:</b> immutable apart from the spin advisors, racy heuristics by design.
 */
public final class PolicyRuntime {

  final int maxAttempts;
  final long[] delayNanos;
  final @Nullable Duration timeout;
  /** The call timeout in nanoseconds, or {@link Nanos#NEVER}. */
  final long timeoutNanos;
  /** The adaptive delay, the budget and the statistics: the hooks a call feeds back through. */
  final ClosedLoop closedLoop;
  final Predicate<? super Throwable> fatal;
  final @Nullable Predicate<Object> reject;
  final @Nullable Consumer<Object> onDiscard;
  final boolean waitForLosers;
  final @Nullable EventRelay events;
  /** The replicas attempts are routed over, or null: the task routes itself. */
  final @Nullable ReplicaRouter replicas;
  final Executor executor;
  final boolean copyMdc;
  final CallClock clock;
  /**
   * Whether the policy's calls need someone to watch the clock: a positive hedge delay, a delay that may
   * become positive (adaptive), or a timeout (a call with a limit of its own watches it too).
   */
  final boolean watchesClock;
  /** One spin advisor per task class (call site); see {@link SpinAdvisor}. */
  private final ClassValue<SpinAdvisor> spinAdvisors = new ClassValue<>() {
    @Override
    protected SpinAdvisor computeValue(Class<?> type) {
      return new SpinAdvisor(type);
    }
  };
  /** The advisor used last: a racy one-entry cache in front of {@link #spinAdvisors}. */
  private @Nullable SpinAdvisor lastSpinAdvisor;

  /** Takes the settings of an open-loop policy without statistics; {@code delayNanos} is not copied. */
  public PolicyRuntime(int maxAttempts, long[] delayNanos, @Nullable Duration timeout,
      @Nullable Duration attemptTimeout,
      Predicate<? super Throwable> fatal, @Nullable Predicate<Object> reject, @Nullable Consumer<?> onDiscard,
      boolean waitForLosers, @Nullable HedgeListener listener, Executor executor, TimeSource timeSource,
      boolean copyMdc) {
    this(maxAttempts, delayNanos, timeout, attemptTimeout, fatal, reject, onDiscard, waitForLosers, listener,
        executor, timeSource, copyMdc, null, null, false, null);
  }

  /**
   * Takes the settings as validated by the builder; {@code delayNanos} is not copied.
   *
   * @param adaptive the adaptive delay, or null for fixed delays
   * @param budget the budget's live tokens, or null for none
   * @param statistics whether to keep counts for {@link #statistics()}
   * @param replicas the replicas attempts are routed over, or null for none
   */
  @SuppressWarnings("unchecked")
  public PolicyRuntime(int maxAttempts, long[] delayNanos, @Nullable Duration timeout,
      @Nullable Duration attemptTimeout,
      Predicate<? super Throwable> fatal, @Nullable Predicate<Object> reject, @Nullable Consumer<?> onDiscard,
      boolean waitForLosers, @Nullable HedgeListener listener, Executor executor, TimeSource timeSource,
      boolean copyMdc, @Nullable AdaptiveDelay adaptive, @Nullable TokenBudget budget, boolean statistics,
      @Nullable ReplicaRouter replicas) {
    this.maxAttempts = maxAttempts;
    this.delayNanos = delayNanos;
    this.timeout = timeout;
    this.timeoutNanos = timeout == null ? Nanos.NEVER : Nanos.of(timeout);
    this.fatal = fatal;
    this.reject = reject;
    this.onDiscard = (Consumer<Object>) onDiscard;
    this.waitForLosers = waitForLosers;
    this.events = listener == null ? null : new EventRelay(listener);
    this.closedLoop = ClosedLoop.of(delayNanos, adaptive, budget, statistics, timeSource);
    this.replicas = replicas;
    this.executor = executor;
    this.copyMdc = copyMdc;
    this.clock = new CallClock(timeSource, attemptTimeout,
        attemptTimeout == null ? Nanos.NEVER : Nanos.of(attemptTimeout));
    boolean hedgeTimer = false;
    for (int i = 1; i < maxAttempts; i++) {
      hedgeTimer |= delayNanos[i] != 0 && delayNanos[i] != Nanos.NEVER;
    }
    // An adaptive delay may become positive at any call: its calls watch the clock.
    this.watchesClock = hedgeTimer || closedLoop.learns() || timeout != null || attemptTimeout != null;
  }

  /**
   * Returns the statistics of the policy now.
   *
   * @return a snapshot
   * @throws IllegalStateException if the policy keeps no statistics (only the library's own policies)
   */
  public HedgeStatistics statistics() {
    return closedLoop.statistics();
  }

  /**
   * The spin advisor for calls of {@code task}'s class. Costs a field read and a compare when the same
   * call site calls again; a {@link ClassValue} lookup when call sites alternate. Holding the last class
   * keeps it loaded while this policy lives, as the call site's own code does.
   */
  SpinAdvisor spinAdvisorFor(Object task) {
    Class<?> type = task.getClass();
    SpinAdvisor advisor = lastSpinAdvisor;
    if (advisor == null || advisor.taskClass != type) {
      advisor = spinAdvisors.get(type);
      lastSpinAdvisor = advisor; // racy by design: a lost update costs one more lookup
    }
    return advisor;
  }

  /**
   * Applies the policy's {@code rejectIf} to an attempt's value.
   *
   * @return null if the value is accepted (or there is no predicate), else the failure that rejects it; a
   *     predicate that throws rejects the value, with the predicate's failure attached
   */
  @Nullable RejectedResultException rejection(int index, @Nullable Object value) {
    Predicate<Object> reject = this.reject;
    if (reject == null) {
      return null;
    }
    try {
      return reject.test(value) ? new RejectedResultException(index, value, null) : null;
    } catch (Throwable t) {
      return new RejectedResultException(index, value, t);
    }
  }

  /**
   * Disposes of a value that lost or was rejected: the policy's {@code onDiscard} action, or else
   * {@code close()} if it is {@link AutoCloseable}. What they throw is logged at debug, never propagated.
   */
  void discardValue(@Nullable Object value) {
    if (value == null) {
      return;
    }
    try {
      if (onDiscard != null) {
        onDiscard.accept(value);
      } else if (value instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } catch (Throwable t) {
      if (Log.LOG.isDebugEnabled()) {
        Log.debug("Discarding a result failed: {}", Failures.describe(t), null, null);
      }
    }
  }
}
