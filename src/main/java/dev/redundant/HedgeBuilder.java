package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Nanos;
import dev.redundant.internal.PolicyRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link Hedge}. Each setter checks its argument at once and names it in the exception;
 * {@link #build()} copies the settings, so a builder can be changed and built again without affecting the
 * policies it built before.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th></tr>
 * <tr><td>{@link #maxAttempts(int) maxAttempts}</td><td>3</td><td>1 to {@value Hedge#MAX_ATTEMPTS}</td></tr>
 * <tr><td>{@link #delay(Duration) delay}</td><td>1 second</td><td>&gt;= 0 and &lt; timeout; zero starts all
 *     attempts at once</td></tr>
 * <tr><td>{@link #noHedging() noHedging}</td><td>off</td><td>failover only: no attempt starts on a
 *     delay</td></tr>
 * <tr><td>{@link #timeout(Duration) timeout}</td><td>none ({@code null})</td><td>&gt; 0</td></tr>
 * <tr><td>{@link #attemptTimeout(Duration) attemptTimeout}</td><td>none ({@code null})</td><td>&gt; 0 and
 *     &lt; timeout</td></tr>
 * <tr><td>{@link #fatalIf(Predicate) fatalIf}, {@link #fatalOn(Class[]) fatalOn}</td><td>no failure is
 *     fatal</td><td>either makes a failure fatal</td></tr>
 * <tr><td>{@link #rejectIf(Predicate) rejectIf}</td><td>every value is accepted</td><td></td></tr>
 * <tr><td>{@link #onDiscard(Consumer) onDiscard}</td><td>{@code close()} if {@link AutoCloseable}</td><td></td></tr>
 * <tr><td>{@link #waitForLosers(boolean) waitForLosers}</td><td>false</td><td></td></tr>
 * <tr><td>{@link #listener(HedgeListener) listener}</td><td>none</td><td></td></tr>
 * <tr><td>{@link #executor(Executor) executor} / {@link #threadFactory(ThreadFactory) threadFactory}</td>
 *     <td>a new virtual thread per attempt</td><td></td></tr>
 * <tr><td>{@link #timeSource(TimeSource) timeSource}</td><td>{@link TimeSource#system()}</td><td></td></tr>
 * <tr><td>{@link #copyMdc(boolean) copyMdc}</td><td>true</td><td></td></tr>
 * <tr><td>{@link #adaptiveDelay(AdaptiveDelay) adaptiveDelay}</td><td>none: the fixed delay</td><td>not
 *     with {@code noHedging} or {@code maxAttempts(1)}</td></tr>
 * <tr><td>{@link #budget(HedgeBudget) budget}</td><td>none: every hedge and failover may start</td><td>its
 *     time source the policy's, unless its {@code minPerSecond} is 0</td></tr>
 * </table>
 *
 * <p><b>Contradictions</b> between settings are refused by {@link #build()} with an
 * {@link IllegalStateException} naming both settings, since they would otherwise be silently ignored: a
 * hedge delay at or beyond the call timeout (no hedge could ever start: shorten the delay, or ask for
 * {@link #noHedging()}), an attempt timeout at or beyond the call timeout (it could never fire), an
 * {@linkplain #adaptiveDelay adaptive delay} on a policy without hedges ({@code noHedging()} or {@code
 * maxAttempts(1)}), and a {@linkplain #budget budget} whose minimum rate runs on another
 * {@linkplain #timeSource time source} than the policy's. A {@link Deadline} on another time source than
 * the policy's is refused by the call it is given to.
 *
 * <p><b>Types:</b> {@code Hedge.builder()} needs no type witness: {@link #build()} returns a policy for the
 * type the assignment asks for, {@code Hedge<Quote> h = Hedge.builder().maxAttempts(3).build();}. Only a
 * builder that uses the value type itself, in {@link #rejectIf(Predicate) rejectIf}, needs
 * {@code Hedge.<Quote>builder()} so that its predicate can read a {@code Quote}.
 *
 * <p><b>Thread safety:</b> a builder is not thread-safe; the policies it builds are immutable and
 * thread-safe. The builder starts no thread and holds no resource.
 *
 * @param <T> the type of the values the calls return; {@link #build()} may narrow it
 */
public final class HedgeBuilder<T> {
  private static final Logger LOG = LoggerFactory.getLogger("dev.redundant");
  private static final Executor VIRTUAL_THREAD_PER_ATTEMPT = Thread::startVirtualThread;
  private static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);

  private int maxAttempts = 3;
  private Duration delay = DEFAULT_DELAY;
  private @Nullable IntFunction<Duration> delays;
  /** Whether no delay was set, so that a contradiction can say the delay is the default. */
  private boolean delayIsDefault = true;
  private boolean noHedging;
  private @Nullable Duration timeout;
  private @Nullable Duration attemptTimeout;
  private @Nullable Predicate<? super Throwable> fatalIf;
  private List<Class<? extends Throwable>> fatalOn = List.of();
  private @Nullable Predicate<? super T> reject;
  private @Nullable Consumer<? super T> onDiscard;
  private boolean waitForLosers;
  private @Nullable HedgeListener listener;
  private Executor executor = VIRTUAL_THREAD_PER_ATTEMPT;
  private String executorName = "virtual thread per attempt";
  private TimeSource timeSource = TimeSource.system();
  private boolean copyMdc = true;
  private @Nullable AdaptiveDelay adaptiveDelay;
  private @Nullable HedgeBudget budget;
  private @Nullable Replicas<?> replicas;
  /** Whether built policies count their calls for {@link Hedge#statistics()}; off only for the library's own. */
  private boolean statistics = true;

  HedgeBuilder() {}

  /**
   * Sets how many attempts a call may start in all, the first one included.
   *
   * @param maxAttempts 1 to {@value Hedge#MAX_ATTEMPTS}; default 3
   * @return this builder
   * @throws IllegalArgumentException if {@code maxAttempts} is out of bounds
   */
  public HedgeBuilder<T> maxAttempts(int maxAttempts) {
    this.maxAttempts = requireAttemptCount(maxAttempts, "maxAttempts");
    return this;
  }

  /**
   * The one check of an attempt count, shared with {@link Redundant#firstSuccess(int,
   * java.util.concurrent.Callable) firstSuccess(n)}, so both say the same thing.
   *
   * @param count the number of attempts asked for
   * @param name the parameter's name, for the message
   * @return {@code count}
   * @throws IllegalArgumentException if {@code count} is not between 1 and {@value Hedge#MAX_ATTEMPTS}
   */
  static int requireAttemptCount(int count, String name) {
    requireArgument(count >= 1 && count <= Hedge.MAX_ATTEMPTS,
        "%s must be between 1 and %s attempts, was %s", name, Hedge.MAX_ATTEMPTS, count);
    return count;
  }

  /**
   * Sets the hedge delay: the next attempt starts when the latest one has run this long without any
   * attempt succeeding. A failed attempt starts the next one at once, without waiting out the delay.
   * Zero starts every attempt at once. Replaces a {@link #delay(IntFunction) per-attempt delay} and
   * {@link #noHedging()}.
   *
   * <p>Pick a delay near the 90th to 95th percentile of a good call's latency: hedges then cost about
   * 5 to 10% extra load and cut the tail. With a {@link #timeout(Duration) call timeout}, the delay must
   * be shorter than the timeout, or {@link #build()} refuses it.
   *
   * @param delay zero or positive; default 1 second
   * @return this builder
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative (for failover only, call
   *     {@link #noHedging()})
   */
  public HedgeBuilder<T> delay(Duration delay) {
    requireNonNull(delay, "delay");
    requireArgument(!delay.isNegative(),
        "delay must not be negative, was %s (for failover only, without hedges, call noHedging())", delay);
    this.delay = delay;
    this.delayIsDefault = false;
    this.delays = null;
    this.noHedging = false;
    return this;
  }

  /**
   * Sets a hedge delay per attempt, for staggering: {@code delayOf.apply(i)} is how long attempt
   * {@code i - 1} runs before attempt {@code i} starts as a hedge, for {@code i} from 1 to
   * {@code maxAttempts - 1}. The function is called by {@link #build()}, once per attempt index, and
   * its answers are checked there (an exception it throws propagates from {@code build()}). Replaces a
   * {@link #delay(Duration) single delay} and {@link #noHedging()}.
   *
   * @param delayOf maps an attempt index to its delay: zero or positive, and shorter than the
   *     {@link #timeout(Duration) call timeout} if there is one
   * @return this builder
   * @throws NullPointerException if {@code delayOf} is null
   */
  public HedgeBuilder<T> delay(IntFunction<Duration> delayOf) {
    this.delays = requireNonNull(delayOf, "delay");
    this.delayIsDefault = false;
    this.noHedging = false;
    return this;
  }

  /**
   * Makes the policy fail over only, without hedges: the next attempt starts at once when an attempt
   * fails (or times out, or its value is rejected), never because an attempt is slow. At most one attempt
   * runs at a time, so the policy adds no load to a dependency that answers. (Polly expresses this with a
   * negative delay; here it has a name.) Replaces any {@link #delay(Duration) delay}; a later call of
   * {@code delay} turns hedging back on.
   *
   * @return this builder
   */
  public HedgeBuilder<T> noHedging() {
    this.noHedging = true;
    this.delays = null;
    this.delay = DEFAULT_DELAY;
    this.delayIsDefault = true;
    return this;
  }

  /**
   * Sets the call timeout: when it elapses before any attempt succeeded, every attempt is cancelled and
   * the call fails with {@link HedgeTimeoutException}, which carries the failures so far.
   *
   * <p>The timeout must be longer than the hedge {@link #delay(Duration) delay} (unless
   * {@link #noHedging()}) and than the {@link #attemptTimeout(Duration) attempt timeout}, or
   * {@link #build()} refuses the contradiction.
   *
   * @param timeout positive, or {@code null} for no timeout (the default)
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero or negative; pass {@code null} for none
   */
  public HedgeBuilder<T> timeout(@Nullable Duration timeout) {
    this.timeout = requirePositiveOrNull(timeout, "timeout");
    return this;
  }

  /**
   * Sets the attempt timeout: an attempt still running this long after it started is cancelled and
   * counts as failed ({@link AttemptReport.Outcome#TIMED_OUT}), which starts the next attempt at once.
   *
   * @param attemptTimeout positive and shorter than the {@link #timeout(Duration) call timeout}, or
   *     {@code null} for no attempt timeout (the default)
   * @return this builder
   * @throws IllegalArgumentException if {@code attemptTimeout} is zero or negative; pass {@code null} for
   *     none
   */
  public HedgeBuilder<T> attemptTimeout(@Nullable Duration attemptTimeout) {
    this.attemptTimeout = requirePositiveOrNull(attemptTimeout, "attemptTimeout");
    return this;
  }

  /**
   * Sets which failures are fatal: an attempt that throws one ends the call at once with
   * {@link FatalFailureException}, cancelling every other attempt. Use it for failures that another
   * attempt cannot fix: a 4xx answer, {@link IllegalArgumentException}. Every other failure starts the
   * next attempt. By default no failure is fatal: retrying is the point of the policy, so declare what
   * retrying cannot fix. A predicate that throws makes the failure fatal, with what it threw suppressed
   * on the {@link FatalFailureException} (the task's own exception is never changed).
   * Rejected results and timed-out attempts are never fatal.
   *
   * <p>Combines with {@link #fatalOn(Class[]) fatalOn}: a failure is fatal when either says so. A second
   * call of {@code fatalIf} replaces the first predicate.
   *
   * @param isFatal tests an attempt's failure, exactly as thrown; called on the attempt's thread
   * @return this builder
   * @throws NullPointerException if {@code isFatal} is null
   */
  public HedgeBuilder<T> fatalIf(Predicate<? super Throwable> isFatal) {
    this.fatalIf = requireNonNull(isFatal, "fatalIf");
    return this;
  }

  /**
   * Makes failures of the given types fatal: an attempt whose failure, exactly as thrown, is an instance
   * of one of them (subclasses included) ends the call at once with {@link FatalFailureException}, as
   * {@link #fatalIf(Predicate) fatalIf} describes. Causes are not unwrapped: to match a wrapped failure,
   * use {@code fatalIf}.
   *
   * <p>Combines with {@code fatalIf}: a failure is fatal when either says so, so
   * {@code fatalOn(IllegalArgumentException.class).fatalIf(e -> is4xx(e))} makes both kinds fatal. A
   * second call of {@code fatalOn} replaces the first list of types.
   *
   * @param types one or more failure types; none of them null
   * @return this builder
   * @throws NullPointerException if {@code types} or one of its elements is null
   * @throws IllegalArgumentException if {@code types} is empty
   */
  @SafeVarargs
  public final HedgeBuilder<T> fatalOn(Class<? extends Throwable>... types) {
    requireNonNull(types, "fatalOn");
    requireArgument(types.length > 0, "fatalOn needs at least one failure type");
    List<Class<? extends Throwable>> copy = new ArrayList<>(types.length);
    for (int i = 0; i < types.length; i++) {
      copy.add(requireNonNull(types[i], "fatalOn[" + i + "]"));
    }
    this.fatalOn = List.copyOf(copy);
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
  public HedgeBuilder<T> onDiscard(@Nullable Consumer<? super T> onDiscard) {
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
   * {@link HedgeListener} has factories for the common single-event cases
   * ({@link HedgeListener#onHedge onHedge}, {@link HedgeListener#onFailure onFailure},
   * {@link HedgeListener#afterCall afterCall}) and {@link HedgeListener#of of} to combine several.
   *
   * @param listener the listener, or {@code null} for none (the default: no event work at all)
   * @return this builder
   */
  public HedgeBuilder<T> listener(@Nullable HedgeListener listener) {
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
   * {@link dev.redundant.testing.ManualTimeSource} to fire delays and timeouts deterministically. A
   * {@link Deadline} given to a call, and a {@linkplain #budget budget} with a minimum rate, must be on
   * the same clock: a call refuses such a deadline, and {@link #build()} such a budget, on another one.
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
   * attempt's thread). The first attempt of a {@code callStage} call starts on the caller's own thread,
   * in the caller's MDC as it is.
   *
   * @param copyMdc whether to copy; default true
   * @return this builder
   */
  public HedgeBuilder<T> copyMdc(boolean copyMdc) {
    this.copyMdc = copyMdc;
    return this;
  }

  /**
   * Makes the hedge delay adaptive: learnt while the policy runs, so that about the slowest
   * {@link AdaptiveDelay#targetExtraLoad() L} of calls start a hedge (see {@link AdaptiveDelay}). Each
   * policy built learns its own delay from its own calls, starting afresh.
   *
   * <p>During warm-up (fewer than {@link AdaptiveDelay#minSamples()} first attempts seen) the delay set
   * explicitly with {@link #delay(Duration)} or {@link #delay(IntFunction)} applies; if none was set, no
   * hedge starts until the delay is learnt (failovers do). A learnt delay longer than the time a call has
   * left simply never fires. A {@linkplain AdaptiveDelay#deadlineAware(boolean) deadline-aware} policy
   * also skips hedges and failovers that could not finish before the call's timeout or deadline.
   *
   * <p>A policy that cannot hedge ({@link #noHedging()}, or {@link #maxAttempts(int) maxAttempts(1)}) has
   * no delay to learn: {@link #build()} refuses an adaptive delay there.
   *
   * @param adaptiveDelay the settings, or {@code null} for a fixed delay (the default)
   * @return this builder
   */
  public HedgeBuilder<T> adaptiveDelay(@Nullable AdaptiveDelay adaptiveDelay) {
    this.adaptiveDelay = adaptiveDelay;
    return this;
  }

  /**
   * Funds the policy's hedges and failovers from a {@link HedgeBudget}: each successful call deposits,
   * each hedge or failover about to start takes a token. Without a token, the attempt does not start
   * ({@link HedgeStatistics#deniedByBudget()}, {@link HedgeListener#onAttemptSkipped}); attempts in
   * flight are never touched. A denied hedge ends the call's hedging (failovers may still start); a denied
   * failover with no attempt left running ends the call with {@link AllAttemptsFailedException}, whose
   * message says the budget denied a failover. Share one budget between the policies that call the same
   * dependency.
   *
   * <p>The budget's minimum rate ({@link HedgeBudget.Builder#minPerSecond(double) minPerSecond}) runs on
   * its own {@linkplain HedgeBudget.Builder#timeSource(TimeSource) time source}, which must then be the
   * policy's {@link #timeSource(TimeSource) timeSource}, or {@link #build()} refuses the pair.
   *
   * @param budget the budget, or {@code null} for none (the default: every hedge and failover may start)
   * @return this builder
   */
  public HedgeBuilder<T> budget(@Nullable HedgeBudget budget) {
    this.budget = budget;
    return this;
  }

  /**
   * Routes the policy's attempts over a set of replicas: the library chooses the replica of each attempt
   * (never one the call has tried, unless all were; else the cheaper of two by observed latency, failures
   * and attempts in flight; see {@link Replicas}), and learns from each attempt's outcome. The task finds
   * its replica with {@link Replicas#get(Attempt)}. Share one set between the policies that call the same
   * replicas; they must be on the set's {@link Replicas.Builder#timeSource(TimeSource) clock}, or
   * {@link #build()} refuses it.
   *
   * @param replicas the replicas, or {@code null} for none (the default: {@link Attempt#replicaIndex()} is
   *     {@link Attempt#NOT_ROUTED} and the task routes itself)
   * @return this builder
   */
  public HedgeBuilder<T> replicas(@Nullable Replicas<?> replicas) {
    this.replicas = replicas;
    return this;
  }

  /** Builds policies that keep no statistics: for the library's shared {@link Redundant} policies. */
  HedgeBuilder<T> withoutStatistics() {
    this.statistics = false;
    return this;
  }

  /**
   * Builds the policy from a copy of the current settings. The policy's value type is the one the
   * assignment asks for: {@code Hedge<Quote> h = Hedge.builder().build()} needs no type witness. It may
   * be narrower than the builder's {@code T}, which is sound because every typed setting
   * ({@link #rejectIf(Predicate) rejectIf}) accepts any {@code T}.
   *
   * @param <R> the type of the values the policy's calls return, {@code T} or a subtype
   * @return a new immutable policy
   * @throws NullPointerException if the per-attempt delay function returns null
   * @throws IllegalArgumentException if the per-attempt delay function returns a negative delay
   * @throws IllegalStateException if settings contradict each other: a hedge delay at or beyond the call
   *     timeout, an attempt timeout at or beyond the call timeout, an adaptive delay with
   *     {@code noHedging()} or with {@code maxAttempts(1)}, a budget with a minimum rate on another
   *     time source than the policy's, or replicas on another time source than the policy's
   */
  @SuppressWarnings("unchecked")
  public <R extends T> Hedge<R> build() {
    requireState(adaptiveDelay == null || !noHedging,
        "adaptiveDelay (%s) contradicts noHedging(): a policy without hedges has no delay to learn; drop one of them",
        adaptiveDelay);
    requireState(adaptiveDelay == null || maxAttempts > 1,
        "adaptiveDelay (%s) contradicts maxAttempts (1): a policy of one attempt never hedges, so it has no delay "
            + "to learn; allow more attempts or drop adaptiveDelay",
        adaptiveDelay);
    requireState(budget == null || budget.minPerSecond() == 0 || budget.timeSource().equals(timeSource),
        "budget's timeSource (%s) is not the policy's timeSource (%s): the budget's minimum rate (minPerSecond=%s) "
            + "would be counted on another clock; build the budget with the policy's timeSource, or with "
            + "minPerSecond(0)",
        budget == null ? null : budget.timeSource(), timeSource, budget == null ? null : budget.minPerSecond());
    warnIfTheBudgetCannotFundTheTarget();
    requireState(replicas == null || replicas.timeSource().equals(timeSource),
        "replicas' timeSource (%s) is not the policy's timeSource (%s): what they observe would be timed on "
            + "another clock; build them with Replicas.builder(list).timeSource(...) on the policy's clock",
        replicas == null ? null : replicas.timeSource(), timeSource);
    long[] delayNanos = delayNanos();
    requireState(attemptTimeout == null || timeout == null || attemptTimeout.compareTo(timeout) < 0,
        "attemptTimeout (%s) must be shorter than timeout (%s), or it can never fire; drop one of them",
        attemptTimeout, timeout);
    PolicyRuntime config = new PolicyRuntime(maxAttempts, delayNanos, timeout, attemptTimeout, fatalPredicate(),
        (Predicate<Object>) reject, onDiscard, waitForLosers, listener, executor, timeSource, copyMdc, adaptiveDelay,
        budget == null ? null : budget.tokens(), statistics, replicas == null ? null : replicas.router());
    return new Hedge<>(config, timeSource, describe("Hedge"));
  }

  /**
   * Warns, once per {@code build()}, when the budget earns fewer hedges per success than the adaptive
   * delay starts per call: in a steady state the budget would then deny hedges, and a denied hedge ends
   * its call's hedging, so exactly the slow calls keep their slow first attempt (the scenario S7b's p99
   * doubled). Not refused: a budget shared by several policies, or one meant to cap hedging below the
   * target, is a legal choice.
   */
  private void warnIfTheBudgetCannotFundTheTarget() {
    if (adaptiveDelay != null && budget != null && budget.hedgesPerSuccess() < adaptiveDelay.targetExtraLoad()) {
      LOG.warn("budget's hedgesPerSuccess ({}) is below adaptiveDelay's targetExtraLoad ({}): the budget will deny "
              + "hedges in a steady state, and the slow calls they were for keep their slow first attempt; set "
              + "hedgesPerSuccess to about 2 x targetExtraLoad ({}) unless capping the hedges is the intent",
          budget.hedgesPerSuccess(), adaptiveDelay.targetExtraLoad(), 2 * adaptiveDelay.targetExtraLoad());
    }
  }

  /**
   * The delay of each attempt after the first, checked against the call timeout. With an adaptive delay,
   * the warm-up delay: the one set explicitly, else none.
   */
  private long[] delayNanos() {
    long[] delayNanos = new long[maxAttempts];
    for (int i = 1; i < maxAttempts; i++) {
      if (noHedging || (adaptiveDelay != null && delays == null && delayIsDefault)) {
        delayNanos[i] = Nanos.NEVER;
        continue;
      }
      Duration d = delays == null ? delay : delays.apply(i);
      if (delays != null) {
        if (d == null) {
          throw new NullPointerException(
              "delay(" + i + ") is null: the delay function returned null for attempt " + i);
        }
        requireArgument(!d.isNegative(),
            "delay(%s) must not be negative: the delay function returned %s for attempt %s", i, d, i);
      }
      requireState(timeout == null || d.compareTo(timeout) < 0,
          "%s (%s%s) must be shorter than timeout (%s), or no hedge can start; shorten it, or call "
              + "noHedging() for failover only",
          delays == null ? "delay" : "delay(" + i + ")", d,
          delays == null && delayIsDefault ? ", the default" : "", timeout);
      delayNanos[i] = Nanos.of(d);
    }
    return delayNanos;
  }

  /** {@code fatalIf} or {@code fatalOn}: either makes a failure fatal. */
  private Predicate<? super Throwable> fatalPredicate() {
    Predicate<? super Throwable> byPredicate = fatalIf;
    List<Class<? extends Throwable>> types = fatalOn;
    if (types.isEmpty()) {
      return byPredicate == null ? failure -> false : byPredicate;
    }
    Predicate<Throwable> byType = failure -> {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(failure)) {
          return true;
        }
      }
      return false;
    };
    return byPredicate == null ? byType : byType.or(byPredicate);
  }

  /**
   * Describes the current settings, as the built policy's {@code toString} will.
   *
   * @return for example {@code HedgeBuilder[maxAttempts=5, delay=PT1S, fatalOn=[IOException]]}
   */
  @Override
  public String toString() {
    return describe("HedgeBuilder");
  }

  @SuppressWarnings("ReferenceEquality") // identity: whether the default singletons were replaced
  private String describe(String name) {
    StringBuilder sb = new StringBuilder(name).append("[maxAttempts=").append(maxAttempts);
    if (maxAttempts > 1) {
      if (noHedging) {
        sb.append(", noHedging");
      } else if (adaptiveDelay == null || delays != null || !delayIsDefault) {
        sb.append(adaptiveDelay == null ? ", delay=" : ", warm-up delay=")
            .append(delays == null ? delay : "per attempt");
      }
    }
    if (timeout != null) {
      sb.append(", timeout=").append(timeout);
    }
    if (attemptTimeout != null) {
      sb.append(", attemptTimeout=").append(attemptTimeout);
    }
    if (!fatalOn.isEmpty()) {
      sb.append(", fatalOn=").append(fatalOn.stream().map(Class::getSimpleName).toList());
    }
    if (fatalIf != null) {
      sb.append(", fatalIf");
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
    if (listener != null) {
      sb.append(", listener=").append(listener);
    }
    if (executor != VIRTUAL_THREAD_PER_ATTEMPT) {
      sb.append(", executor=").append(executorName);
    }
    if (timeSource != TimeSource.system()) {
      sb.append(", timeSource=").append(timeSource);
    }
    if (!copyMdc) {
      sb.append(", copyMdc=false");
    }
    if (adaptiveDelay != null) {
      sb.append(", adaptiveDelay=").append(adaptiveDelay);
    }
    if (budget != null) {
      sb.append(", budget=").append(budget);
    }
    if (replicas != null) {
      sb.append(", replicas=").append(replicas);
    }
    return sb.append(']').toString();
  }

  @SuppressWarnings("AnnotateFormatMethod") // constant %s templates; Error Prone's annotations stay off the class path
  private static void requireState(boolean expression, String template, @Nullable Object... args) {
    if (!expression) {
      throw new IllegalStateException(String.format(template, args));
    }
  }

  private static @Nullable Duration requirePositiveOrNull(@Nullable Duration d, String name) {
    requireArgument(d == null || (!d.isNegative() && !d.isZero()),
        "%s must be positive, was %s (for no %s, the default, pass null)", name, d, name);
    return d;
  }
}
