package dev.redundant.internal;

import dev.redundant.HedgeListener;
import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The validated, immutable settings of one policy, as the engine reads them. Built only by
 * {@code HedgeBuilder}, which checks every value; the engine trusts them. {@code delayNanos[i]} is the
 * hedge delay of attempt {@code i >= 1} after the previous attempt's start ({@link #NEVER}: no hedge);
 * a {@code null} timeout or attempt timeout means none; a {@code null} reject predicate accepts every
 * value; a {@code null} listener means no events.
 */
public final class RaceConfig {

  /** A delay that never elapses. */
  public static final long NEVER = Long.MAX_VALUE;

  final int maxAttempts;
  final long[] delayNanos;
  final Duration timeout;
  final Duration attemptTimeout;
  final Predicate<? super Throwable> fatal;
  final Predicate<Object> reject;
  final boolean waitForLosers;
  final HedgeListener listener;
  final Executor executor;
  final TimeSource timeSource;
  final boolean copyMdc;
  final long timeoutNanos;
  final long attemptTimeoutNanos;
  /** Whether callers of this policy should spin before parking; the only mutable part, a heuristic. */
  final SpinAdvisor spinAdvisor = new SpinAdvisor();
  /** Whether a call needs someone to watch the clock: a positive hedge delay or a timeout. */
  final boolean timed;
  /** How many attempts start together at the start of a call (zero delays chain). */
  final int startTogether;

  /** Takes the settings as validated by the builder; {@code delayNanos} is not copied. */
  public RaceConfig(int maxAttempts, long[] delayNanos, Duration timeout, Duration attemptTimeout,
      Predicate<? super Throwable> fatal, Predicate<Object> reject, boolean waitForLosers,
      HedgeListener listener, Executor executor, TimeSource timeSource, boolean copyMdc) {
    this.maxAttempts = maxAttempts;
    this.delayNanos = delayNanos;
    this.timeout = timeout;
    this.attemptTimeout = attemptTimeout;
    this.fatal = fatal;
    this.reject = reject;
    this.waitForLosers = waitForLosers;
    this.listener = listener;
    this.executor = executor;
    this.timeSource = timeSource;
    this.copyMdc = copyMdc;
    this.timeoutNanos = timeout == null ? NEVER : saturatedNanos(timeout);
    this.attemptTimeoutNanos = attemptTimeout == null ? NEVER : saturatedNanos(attemptTimeout);
    boolean hedgeTimer = false;
    for (int i = 1; i < maxAttempts; i++) {
      hedgeTimer |= delayNanos[i] != 0 && delayNanos[i] != NEVER;
    }
    this.timed = hedgeTimer || timeout != null || attemptTimeout != null;
    int together = 1;
    while (together < maxAttempts && delayNanos[together] == 0) {
      together++;
    }
    this.startTogether = together;
  }

  /** {@code d} in nanoseconds, or {@link #NEVER} when it does not fit. */
  public static long saturatedNanos(Duration d) {
    return d.compareTo(Duration.ofNanos(NEVER - 1)) >= 0 ? NEVER : d.toNanos();
  }

  /** {@code time + nanos}, or {@link #NEVER} for a delay that never elapses or does not fit. */
  static long deadline(long time, long nanos) {
    long sum = time + nanos;
    return nanos == NEVER || ((time ^ sum) & (nanos ^ sum)) < 0 ? NEVER : sum;
  }
}
