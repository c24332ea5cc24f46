package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of an adaptive hedge delay: hedge "the slowest {@code L} of calls". The delay is learnt
 * while the policy runs, as the {@code (1 - L)} quantile of the time to success of recent first
 * attempts, so that about a fraction {@code L} of calls start a hedge, whatever the dependency's
 * latency is today.
 *
 * <pre>{@code
 * AdaptiveDelay adaptive = AdaptiveDelay.targetExtraLoad(0.05);          // hedge the slowest 5%
 * AdaptiveDelay tuned = adaptive.window(2000).max(Duration.ofSeconds(2)); // a copy with other settings
 * }</pre>
 *
 * <h2>How the delay is learnt</h2>
 * <ul>
 * <li>Each call records its first attempt: a success with its duration; a first attempt that was
 *     cancelled (another attempt won) or was still running when the call ended counts as "longer than
 *     anything seen" (<em>censored</em>). A first attempt that failed is not recorded: fast failures say
 *     nothing about how long a success takes.</li>
 * <li>The delay is the {@code (1 - L)} quantile of the last {@link #window()} first attempts, censored
 *     ones included. When that quantile is censored (more than {@code L} of the window was cut short, as
 *     after an outage in which attempts hung), the same quantile of the last {@link #recoveryWindow()}
 *     first attempts is used instead, so hedging resumes soon after the dependency recovers. When both
 *     are censored, a policy without a {@linkplain HedgeBuilder#budget budget} starts no hedge: hedging
 *     would only add load to a dependency that answers no one in time. A policy with a budget keeps the
 *     delay learnt before the outage instead: the budget, funded by successes that have stopped, already
 *     bounds the hedges, and hedging is on the moment the dependency answers again. Failovers are
 *     unaffected. Once the latest 32 first attempts (or the recovery window,
 *     if shorter) are successes again but for at most {@code 2L} of them, the lowest delay learnt in the
 *     last {@code L x window} first attempts before hedging stopped (the delay from before the outage,
 *     not the one its first hung attempts raised) applies until the recovery window's quantile is
 *     finite: after an outage of hangs, hedging resumes as soon as the answers outnumber the calls that
 *     hung, rather than after a whole recovery window.</li>
 * <li>Until {@link #minSamples()} first attempts have been recorded (warm-up), the delay set explicitly
 *     with {@link HedgeBuilder#delay(Duration)} (or {@link HedgeBuilder#delay(java.util.function.IntFunction)})
 *     applies; without one, no hedge starts during warm-up (failovers still do).</li>
 * <li>A first attempt cut short by its {@linkplain HedgeBuilder#attemptTimeout attempt timeout} counts as
 *     censored too: it ran longer than the timeout without succeeding.</li>
 * <li>The learnt delay is kept within [{@link #min()}, {@link #max()}].</li>
 * <li>A delay means "hedge once the attempt has run <em>longer</em> than the quantile", so a learnt delay
 *     is never 0: it is the first nanosecond above the quantile, and never below the resolution of the
 *     policy's {@linkplain HedgeBuilder#timeSource clock} as its first attempts show it. On a coarse or
 *     manual clock, on which first attempts may take 0 ns, a quantile of 0 means "shorter than one
 *     tick", and the delay is the smallest positive duration the clock has measured for a first attempt
 *     (1 ns if it never moved during one: a hedge starts as soon as the clock moves at all).</li>
 * <li>The delay is recomputed every 16 recorded first attempts, so it lags the latest calls by at most
 *     that many; it is known to within about 3% (a log-linear histogram with 32 sub-buckets per power
 *     of two, covering every duration a {@code long} of nanoseconds holds, about 292 years), rounded
 *     up.</li>
 * <li>A policy called more than about 20,000 times a second (on its clock) records a random one in
 *     {@code 2^k} of its first attempts, {@code k} chosen so that it records about 10,000 a second, so
 *     that its callers do not wait for one another on the shared window; the window then spans a
 *     twentieth of a second of traffic or more. The choice is made before the clock is read and
 *     whatever the attempt's outcome, so the quantile is not biased.</li>
 * </ul>
 *
 * <h2>Settings</h2>
 * <table>
 * <caption>Adaptive delay settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@link #targetExtraLoad(double) targetExtraLoad}</td><td>none (required)</td>
 *     <td>{@code 0 < L < 1}; 0.05 (Dean and Barroso's p95) is a good start</td></tr>
 * <tr><td>{@link #window(int) window}</td><td>1000</td><td>10 to 100,000 first attempts</td></tr>
 * <tr><td>{@link #recoveryWindow(int) recoveryWindow}</td><td>250, or the window if smaller</td>
 *     <td>10 to {@code window}</td></tr>
 * <tr><td>{@link #minSamples(int) minSamples}</td><td>100, or the window if smaller</td>
 *     <td>1 to {@code window}</td></tr>
 * <tr><td>{@link #min(Duration) min}</td><td>0</td><td>0 to {@code max}</td></tr>
 * <tr><td>{@link #max(Duration) max}</td><td>none</td><td>positive, at least {@code min}</td></tr>
 * <tr><td>{@link #deadlineAware(boolean) deadlineAware}</td><td>true</td><td></td></tr>
 * </table>
 * A setting that breaks a bound throws {@link IllegalArgumentException} naming it, when it is set.
 *
 * <h2>Choosing L</h2>
 * {@code L} is the share of calls that start a hedge in a steady state, so the extra load on the
 * dependency is about {@code L} (plus failovers). Raise it when the tail is long and extra load is
 * cheap; when latency is bimodal (a few percent of calls are very slow), {@code L} must be above the
 * slow share, or the delay lands among the slow calls and their hedges start too late.
 * {@link HedgeStatistics} shows the delay, the hedge rate and the latency quantiles to tune it by.
 *
 * <p><b>Thread safety:</b> immutable; every setter returns a new instance. One instance may configure
 * many policies: each policy learns its own delay.
 */
public final class AdaptiveDelay {
  static final int DEFAULT_WINDOW = 1000;
  static final int DEFAULT_RECOVERY_WINDOW = 250;
  static final int DEFAULT_MIN_SAMPLES = 100;
  static final int MIN_WINDOW = 10;
  static final int MAX_WINDOW = 100_000;
  /** A setting left at its default, derived from the window. */
  private static final int DERIVED = 0;

  private final double targetExtraLoad;
  private final int window;
  private final int recoveryWindow;
  private final int minSamples;
  private final Duration min;
  private final @Nullable Duration max;
  private final boolean deadlineAware;

  private AdaptiveDelay(double targetExtraLoad, int window, int recoveryWindow, int minSamples,
      Duration min, @Nullable Duration max, boolean deadlineAware) {
    this.targetExtraLoad = targetExtraLoad;
    this.window = window;
    this.recoveryWindow = recoveryWindow;
    this.minSamples = minSamples;
    this.min = min;
    this.max = max;
    this.deadlineAware = deadlineAware;
  }

  /**
   * Returns adaptive delay settings that hedge the slowest {@code load} of calls, with the other settings
   * at their defaults.
   *
   * @param load the target extra load {@code L}: the share of calls that should start a hedge, in (0, 1)
   * @return the settings
   * @throws IllegalArgumentException if {@code load} is not in (0, 1)
   */
  public static AdaptiveDelay targetExtraLoad(double load) {
    requireArgument(load > 0 && load < 1, "targetExtraLoad must be in (0, 1), was %s", load);
    return new AdaptiveDelay(load, DEFAULT_WINDOW, DERIVED, DERIVED, Duration.ZERO, null, true);
  }

  /**
   * Returns a copy that learns from the last {@code firstAttempts} first attempts.
   *
   * @param firstAttempts the window, 10 to 100,000, at least an explicitly set {@code recoveryWindow} and
   *     {@code minSamples}; default 1000
   * @return the copy
   * @throws IllegalArgumentException if out of bounds
   */
  public AdaptiveDelay window(int firstAttempts) {
    requireArgument(firstAttempts >= MIN_WINDOW && firstAttempts <= MAX_WINDOW,
        "window must be between %s and %s, was %s", MIN_WINDOW, MAX_WINDOW, firstAttempts);
    requireArgument(firstAttempts >= recoveryWindow,
        "window (%s) must be at least recoveryWindow (%s)", firstAttempts, recoveryWindow);
    requireArgument(firstAttempts >= minSamples,
        "window (%s) must be at least minSamples (%s)", firstAttempts, minSamples);
    return new AdaptiveDelay(targetExtraLoad, firstAttempts, recoveryWindow, minSamples, min, max,
        deadlineAware);
  }

  /**
   * Returns a copy that, while the long window's quantile is censored, learns from the last
   * {@code firstAttempts} first attempts.
   *
   * @param firstAttempts the recovery window, 10 to {@code window}; default 250 (or the window if smaller)
   * @return the copy
   * @throws IllegalArgumentException if out of bounds
   */
  public AdaptiveDelay recoveryWindow(int firstAttempts) {
    requireArgument(firstAttempts >= MIN_WINDOW && firstAttempts <= window,
        "recoveryWindow must be between %s and window (%s), was %s", MIN_WINDOW, window, firstAttempts);
    return new AdaptiveDelay(targetExtraLoad, window, firstAttempts, minSamples, min, max, deadlineAware);
  }

  /**
   * Returns a copy that warms up until {@code firstAttempts} first attempts have been recorded: until then
   * the delay set explicitly on the policy applies, or no hedge starts.
   *
   * @param firstAttempts the warm-up, 1 to {@code window}; default 100 (or the window if smaller)
   * @return the copy
   * @throws IllegalArgumentException if out of bounds
   */
  public AdaptiveDelay minSamples(int firstAttempts) {
    requireArgument(firstAttempts >= 1 && firstAttempts <= window,
        "minSamples must be between 1 and window (%s), was %s", window, firstAttempts);
    return new AdaptiveDelay(targetExtraLoad, window, recoveryWindow, firstAttempts, min, max, deadlineAware);
  }

  /**
   * Returns a copy whose learnt delay is never below {@code delay}.
   *
   * @param delay the lower clamp, zero or positive, at most {@code max}; default zero
   * @return the copy
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if out of bounds
   */
  public AdaptiveDelay min(Duration delay) {
    requireNonNull(delay, "min");
    requireArgument(!delay.isNegative(), "min must not be negative, was %s", delay);
    requireArgument(max == null || delay.compareTo(max) <= 0, "min (%s) must be at most max (%s)", delay, max);
    return new AdaptiveDelay(targetExtraLoad, window, recoveryWindow, minSamples, delay, max, deadlineAware);
  }

  /**
   * Returns a copy whose learnt delay is never above {@code delay}. A censored quantile still means no
   * hedge: the clamp applies to learnt delays only.
   *
   * @param delay the upper clamp, positive, at least {@code min}; default none
   * @return the copy
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if out of bounds
   */
  public AdaptiveDelay max(Duration delay) {
    requireNonNull(delay, "max");
    requireArgument(delay.isPositive(), "max must be positive, was %s", delay);
    requireArgument(delay.compareTo(min) >= 0, "max (%s) must be at least min (%s)", delay, min);
    return new AdaptiveDelay(targetExtraLoad, window, recoveryWindow, minSamples, min, delay, deadlineAware);
  }

  /**
   * Returns a copy that does, or does not, skip hedges and failovers that cannot finish before the call's
   * deadline. Deadline-aware (the default), a hedge or failover about to start is skipped when the time
   * left before the call's deadline (the policy's {@linkplain HedgeBuilder#timeout timeout}, or the
   * per-call {@link CallOptions#timeout timeout} or {@link CallOptions#deadline deadline}) is below a
   * typical successful attempt: the median of the successful first attempts in the window. A skip is
   * counted in {@link HedgeStatistics#skippedForDeadline()} and reported to
   * {@link HedgeListener#onAttemptSkipped}. A skipped hedge ends the call's hedging (time only gets
   * shorter); a skipped failover with no attempt left running ends the call with the failures so far.
   * Nothing is skipped during warm-up, without a deadline, or before a first attempt succeeded.
   *
   * @param aware whether to skip; default true
   * @return the copy
   */
  public AdaptiveDelay deadlineAware(boolean aware) {
    return new AdaptiveDelay(targetExtraLoad, window, recoveryWindow, minSamples, min, max, aware);
  }

  /**
   * Returns whether hedges and failovers that cannot finish before the call's deadline are skipped.
   *
   * @return whether deadline-aware; default true
   */
  public boolean isDeadlineAware() {
    return deadlineAware;
  }

  /**
   * Returns the target extra load {@code L}, in (0, 1).
   *
   * @return the target extra load {@code L}, in (0, 1)
   */
  public double targetExtraLoad() {
    return targetExtraLoad;
  }

  /**
   * Returns how many recent first attempts the delay is learnt from.
   *
   * @return how many recent first attempts the delay is learnt from
   */
  public int window() {
    return window;
  }

  /**
   * Returns the window used while the long one's quantile is censored.
   *
   * @return the window used while the long one's quantile is censored
   */
  public int recoveryWindow() {
    return recoveryWindow == DERIVED ? Math.min(DEFAULT_RECOVERY_WINDOW, window) : recoveryWindow;
  }

  /**
   * Returns how many first attempts are recorded before the learnt delay applies.
   *
   * @return how many first attempts are recorded before the learnt delay applies
   */
  public int minSamples() {
    return minSamples == DERIVED ? Math.min(DEFAULT_MIN_SAMPLES, window) : minSamples;
  }

  /**
   * Returns the lower clamp of the learnt delay.
   *
   * @return the lower clamp of the learnt delay
   */
  public Duration min() {
    return min;
  }

  /**
   * Returns the upper clamp of the learnt delay, if one was set.
   *
   * @return the upper clamp of the learnt delay, if one was set
   */
  public Optional<Duration> max() {
    return Optional.ofNullable(max);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdaptiveDelay a && a.targetExtraLoad == targetExtraLoad && a.window == window
        && a.recoveryWindow() == recoveryWindow() && a.minSamples() == minSamples() && a.min.equals(min)
        && a.max().equals(max()) && a.deadlineAware == deadlineAware;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(targetExtraLoad, window, recoveryWindow(), minSamples(), min, max,
        deadlineAware);
  }

  @Override
  public String toString() {
    return "AdaptiveDelay[targetExtraLoad=" + targetExtraLoad + ", window=" + window + ", recoveryWindow="
        + recoveryWindow() + ", minSamples=" + minSamples() + ", min=" + min + ", max="
        + (max == null ? "none" : max) + ", deadlineAware=" + deadlineAware + "]";
  }
}
