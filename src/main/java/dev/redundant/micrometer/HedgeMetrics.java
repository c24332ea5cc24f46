package dev.redundant.micrometer;

import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.Hedge;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one hedging policy. A {@link HedgeListener} counts what the policy's calls do;
 * {@link #bindStatistics(Hedge)} adds gauges read from the policy's {@link HedgeStatistics} at each scrape.
 * Binding a policy takes two lines:
 *
 * <pre>{@code
 * HedgeMetrics metrics = new HedgeMetrics(registry, "quotes");
 * Hedge<Quote> hedge = metrics.bindStatistics(Hedge.builder().maxAttempts(3).listener(metrics).build());
 * }</pre>
 *
 * (to combine it with a listener of your own: {@code listener(HedgeListener.of(metrics, yours))}). Every
 * meter carries the tag {@code policy=<name>}, and all are registered when this object is created (the
 * gauges by {@code bindStatistics}), so dashboards see zeros before the first call.
 *
 * <table>
 *   <caption>Meters of the listener (Prometheus names in parentheses)</caption>
 *   <tr><th>meter</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code redundant.calls} ({@code redundant_calls_total})</td>
 *       <td>{@code outcome=succeeded|all_failed|fatal|timed_out|denied_by_budget|skipped_for_deadline|cancelled|error}</td>
 *       <td>calls ended, by {@link HedgeListener.CallSummary.Outcome}: fatal failures, call timeouts, failovers
 *       the budget denied with nothing left running, ...</td></tr>
 *   <tr><td>{@code redundant.call.latency} ({@code redundant_call_latency_seconds})</td>
 *       <td>{@code succeeded=true|false}</td><td>timer with a percentile histogram: each call's duration, from
 *       its start to its end</td></tr>
 *   <tr><td>{@code redundant.attempts} ({@code redundant_attempts_total})</td>
 *       <td>{@code trigger=first|hedge|failover}</td><td>attempts started</td></tr>
 *   <tr><td>{@code redundant.attempts.ended}</td>
 *       <td>{@code outcome=succeeded|failed|rejected|timed_out|cancelled}</td><td>attempts ended</td></tr>
 *   <tr><td>{@code redundant.hedges.started}</td><td></td><td>hedges started</td></tr>
 *   <tr><td>{@code redundant.hedges.won}</td><td></td><td>calls won by a hedge</td></tr>
 *   <tr><td>{@code redundant.failovers}</td><td></td><td>attempts started at once because one failed</td></tr>
 *   <tr><td>{@code redundant.attempts.skipped}</td><td>{@code reason=budget|deadline}</td>
 *       <td>hedges and failovers not started: the {@code HedgeBudget} had no token, or the call's deadline
 *       was too near ({@link HedgeListener#onAttemptSkipped})</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Meters of {@link #bindStatistics(Hedge)}, read from {@link Hedge#statistics()} at each
 *   scrape (cumulative since the policy was built)</caption>
 *   <tr><th>meter</th><th>value</th></tr>
 *   <tr><td>{@code redundant.hedge.delay} ({@code redundant_hedge_delay_milliseconds})</td>
 *       <td>the hedge delay a call would use now, in milliseconds; NaN when no hedge would start
 *       ({@code noHedging()}, an adaptive policy warming up without a delay, or in {@code NO_HEDGE} mode)</td></tr>
 *   <tr><td>{@code redundant.extra.load}</td><td>extra attempts per call, {@code (attempts - calls) / calls}</td></tr>
 *   <tr><td>{@code redundant.hedge.rate}</td><td>hedges started per call</td></tr>
 *   <tr><td>{@code redundant.hedge.win.rate}</td><td>share of hedges that won their call</td></tr>
 *   <tr><td>{@code redundant.hedge.win.share}</td><td>share of calls a hedge won
 *       ({@link HedgeStatistics#hedgeWinShare()})</td></tr>
 *   <tr><td>{@code redundant.hedge.win.first.attempt} ({@code redundant_hedge_win_first_attempt_seconds_count},
 *       {@code _sum})</td><td>function timer: its count is the calls a hedge won, its total how long their
 *       first attempts had been running when the hedge won
 *       ({@link HedgeStatistics#firstAttemptTimeAtHedgeWins()}); {@code _sum / _count} over a window is the
 *       mean, a lower bound on what those calls would have waited without the hedge</td></tr>
 * </table>
 *
 * <p><b>Optional dependency:</b> this class needs {@code micrometer-core} on the class path (the library
 * declares it optional); the rest of the library never loads it.
 *
 * <p><b>Threads:</b> thread-safe; each listener method runs on the thread of its event, possibly on several
 * at once, and only increments meters (no blocking, no allocation per event beyond Micrometer's own). The
 * statistics meters take a snapshot on the scraping thread and never block a call. Nothing here starts a
 * thread or needs closing; the statistics meters hold the policy weakly, so a registry does not keep a
 * dropped policy alive (they then read NaN).
 */
public final class HedgeMetrics implements HedgeListener {
  private final MeterRegistry registry;
  private final String policy;
  private final Map<CallSummary.Outcome, Counter> calls = new EnumMap<>(CallSummary.Outcome.class);
  private final Timer latencySucceeded;
  private final Timer latencyFailed;
  private final Map<Attempt.Trigger, Counter> attemptsStarted = new EnumMap<>(Attempt.Trigger.class);
  private final Map<AttemptReport.Outcome, Counter> attemptsEnded = new EnumMap<>(AttemptReport.Outcome.class);
  private final Counter attemptsSucceeded;
  private final Counter hedgesStarted;
  private final Counter hedgesWon;
  private final Counter failovers;
  private final Map<SkippedAttempt.Reason, Counter> attemptsSkipped = new EnumMap<>(SkippedAttempt.Reason.class);

  /**
   * Registers the policy's meters.
   *
   * @param registry where to register them
   * @param policy the policy's name, the value of the {@code policy} tag; not blank
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code policy} is blank
   */
  public HedgeMetrics(MeterRegistry registry, String policy) {
    this.registry = requireNonNull(registry, "registry");
    this.policy = requireNonNull(policy, "policy");
    if (policy.isBlank()) {
      throw new IllegalArgumentException("policy must not be blank");
    }
    for (CallSummary.Outcome outcome : CallSummary.Outcome.values()) {
      calls.put(outcome, counter("redundant.calls", "calls ended", "outcome", tagValue(outcome)));
    }
    latencySucceeded = timer(true);
    latencyFailed = timer(false);
    for (Attempt.Trigger trigger : Attempt.Trigger.values()) {
      attemptsStarted.put(trigger, counter("redundant.attempts", "attempts started", "trigger", tagValue(trigger)));
    }
    for (AttemptReport.Outcome outcome : AttemptReport.Outcome.values()) {
      attemptsEnded.put(outcome, counter("redundant.attempts.ended", "attempts ended", "outcome", tagValue(outcome)));
    }
    attemptsSucceeded = requireNonNull(attemptsEnded.get(AttemptReport.Outcome.SUCCEEDED));
    hedgesStarted = counter("redundant.hedges.started", "hedges started");
    hedgesWon = counter("redundant.hedges.won", "calls won by a hedge");
    failovers = counter("redundant.failovers", "attempts started because one failed");
    for (SkippedAttempt.Reason reason : SkippedAttempt.Reason.values()) {
      attemptsSkipped.put(reason, counter("redundant.attempts.skipped", "hedges and failovers not started", "reason",
          tagValue(reason)));
    }
  }

  /**
   * Registers the meters that read {@code hedge}'s {@link Hedge#statistics() statistics} at each scrape:
   * the current hedge delay, the extra load, the hedge rate, the hedge win rate and share, and the time
   * first attempts had been running when a hedge won (see the class comment). Call it once per policy,
   * after {@code build()}. A second policy bound under the same name in the same registry keeps the first
   * one's meters (Micrometer's rule for meters with the same name and tags).
   *
   * @param hedge the policy; held weakly
   * @param <T> the policy's value type
   * @return {@code hedge}, to bind it where it is built
   * @throws NullPointerException if {@code hedge} is null; nothing is registered
   */
  public <T> Hedge<T> bindStatistics(Hedge<T> hedge) {
    requireNonNull(hedge, "hedge");
    gauge(hedge, "redundant.hedge.delay", "the hedge delay a call would use now", "milliseconds",
        stats -> stats.currentDelay().map(d -> d.toNanos() / 1e6).orElse(Double.NaN));
    gauge(hedge, "redundant.extra.load", "extra attempts per call", "", HedgeStatistics::extraLoad);
    gauge(hedge, "redundant.hedge.rate", "hedges started per call", "", HedgeStatistics::hedgeRate);
    gauge(hedge, "redundant.hedge.win.rate", "share of hedges that won their call", "",
        HedgeStatistics::hedgeWinRate);
    gauge(hedge, "redundant.hedge.win.share", "share of calls won by a hedge", "", HedgeStatistics::hedgeWinShare);
    FunctionTimer.builder("redundant.hedge.win.first.attempt", hedge, h -> h.statistics().hedgesWon(),
            h -> h.statistics().firstAttemptTimeAtHedgeWins().toNanos(), TimeUnit.NANOSECONDS)
        .description("calls won by a hedge, and how long their first attempt had been running at the win")
        .tag("policy", policy)
        .register(registry);
    return hedge;
  }

  private <T> void gauge(Hedge<T> hedge, String name, String description, String baseUnit,
      ToDoubleFunction<HedgeStatistics> value) {
    Gauge.Builder<Hedge<T>> builder = Gauge.builder(name, hedge, h -> value.applyAsDouble(h.statistics()))
        .description(description)
        .tag("policy", policy);
    (baseUnit.isEmpty() ? builder : builder.baseUnit(baseUnit)).register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).tag("policy", policy).register(registry);
  }

  private Counter counter(String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag("policy", policy).tag(tag, value).register(registry);
  }

  private Timer timer(boolean succeeded) {
    return Timer.builder("redundant.call.latency")
        .description("duration of calls, from start to end")
        .tag("policy", policy)
        .tag("succeeded", Boolean.toString(succeeded))
        .publishPercentileHistogram()
        .register(registry);
  }

  /** Every key has its counter: the constructor registered one per enum constant. */
  @SuppressWarnings("NullAway") // filled for every constant by the constructor
  private static <E extends Enum<E>> void increment(Map<E, Counter> counters, E key) {
    counters.get(key).increment();
  }

  private static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void onAttemptStarted(Attempt attempt) {
    increment(attemptsStarted, attempt.trigger());
    if (attempt.trigger() == Attempt.Trigger.FAILOVER) {
      failovers.increment();
    }
  }

  @Override
  public void onHedgeStarted(Attempt attempt) {
    hedgesStarted.increment();
  }

  @Override
  public void onAttemptSucceeded(Attempt attempt, Duration duration) {
    attemptsSucceeded.increment();
    if (attempt.isHedge()) {
      hedgesWon.increment();
    }
  }

  @Override
  public void onAttemptFailed(Attempt attempt, AttemptReport report) {
    increment(attemptsEnded, report.outcome());
  }

  @Override
  public void onAttemptCancelled(Attempt attempt) {
    increment(attemptsEnded, AttemptReport.Outcome.CANCELLED);
  }

  @Override
  public void onAttemptSkipped(SkippedAttempt skipped) {
    increment(attemptsSkipped, skipped.reason());
  }

  @Override
  public void onCallFinished(CallSummary summary) {
    increment(calls, summary.outcome());
    (summary.succeeded() ? latencySucceeded : latencyFailed).record(summary.duration());
  }

  /**
   * Describes the binding, for logs.
   *
   * @return for example {@code HedgeMetrics[policy=quotes]}
   */
  @Override
  public String toString() {
    return "HedgeMetrics[policy=" + policy + "]";
  }
}
