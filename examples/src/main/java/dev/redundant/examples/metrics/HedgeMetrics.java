package dev.redundant.examples.metrics;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.Hedge;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer binding for one hedging policy, as a {@link HedgeListener}: pass it to
 * {@code Hedge.builder().listener(new HedgeMetrics(registry, "quotes"))}, and, once the policy is built,
 * {@link #bindStatistics(Hedge, String, MeterRegistry) bindStatistics(hedge, "quotes", registry)} for the
 * gauges of its {@link HedgeStatistics}. Every meter carries the tag {@code policy=<name>}; all are
 * registered up front, so dashboards see zeros before the first call.
 *
 * <table>
 *   <caption>Meters (Prometheus names in parentheses)</caption>
 *   <tr><th>meter</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code redundant.calls} ({@code redundant_calls_total})</td><td>{@code outcome=success|failure}</td>
 *       <td>calls ended</td></tr>
 *   <tr><td>{@code redundant.call.latency} ({@code redundant_call_latency_seconds})</td>
 *       <td>{@code outcome}</td><td>timer: each call's duration, from its start to its end</td></tr>
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
 *   <caption>Gauges of {@link #bindStatistics(Hedge, String, MeterRegistry)}, read from
 *   {@link Hedge#statistics()} at each scrape</caption>
 *   <tr><th>gauge</th><th>value</th></tr>
 *   <tr><td>{@code redundant.hedge.delay} ({@code redundant_hedge_delay_milliseconds})</td>
 *       <td>the hedge delay a call would use now, in milliseconds; NaN when no hedge would start
 *       ({@code noHedging()}, an adaptive policy warming up without a delay, or in {@code NO_HEDGE} mode)</td></tr>
 *   <tr><td>{@code redundant.extra.load}</td><td>extra attempts per call, {@code (attempts - calls) / calls}</td></tr>
 *   <tr><td>{@code redundant.hedge.rate}</td><td>hedges started per call</td></tr>
 *   <tr><td>{@code redundant.hedge.win.rate}</td><td>share of hedges that won their call</td></tr>
 * </table>
 *
 * <p>Where it lives: this class is part of the examples, not of the library, so the library keeps
 * {@code slf4j-api} as its only runtime dependency and Micrometer never reaches users who do not want it.
 * Copy it into a project that uses Micrometer (it needs only {@code micrometer-core}).
 *
 * <p><b>Threads:</b> thread-safe; every method is called on the thread of its event, possibly on several
 * at once, and only increments meters (no blocking, no allocation per event beyond Micrometer's own). The
 * gauges take a statistics snapshot on the scraping thread; they never block a call. Nothing here starts a
 * thread or needs closing; the gauges hold the policy weakly, so a registry does not keep a dropped
 * policy alive (its gauges then read NaN).
 */
public final class HedgeMetrics implements HedgeListener {
  private final Counter callsSucceeded;
  private final Counter callsFailed;
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
    Objects.requireNonNull(registry, "registry");
    requirePolicyName(policy);
    callsSucceeded = counter(registry, "redundant.calls", "calls ended", policy, "outcome", "success");
    callsFailed = counter(registry, "redundant.calls", "calls ended", policy, "outcome", "failure");
    latencySucceeded = timer(registry, policy, "success");
    latencyFailed = timer(registry, policy, "failure");
    for (Attempt.Trigger trigger : Attempt.Trigger.values()) {
      attemptsStarted.put(trigger, counter(registry, "redundant.attempts", "attempts started", policy, "trigger",
          trigger.name().toLowerCase(Locale.ROOT)));
    }
    for (AttemptReport.Outcome outcome : AttemptReport.Outcome.values()) {
      attemptsEnded.put(outcome, counter(registry, "redundant.attempts.ended", "attempts ended", policy,
          "outcome", outcome.name().toLowerCase(Locale.ROOT)));
    }
    attemptsSucceeded = counter(registry, "redundant.attempts.ended", "attempts ended", policy, "outcome",
        "succeeded");
    hedgesStarted = counter(registry, "redundant.hedges.started", "hedges started", policy, null, null);
    hedgesWon = counter(registry, "redundant.hedges.won", "calls won by a hedge", policy, null, null);
    failovers = counter(registry, "redundant.failovers", "attempts started because one failed", policy, null,
        null);
    for (SkippedAttempt.Reason reason : SkippedAttempt.Reason.values()) {
      attemptsSkipped.put(reason, counter(registry, "redundant.attempts.skipped",
          "hedges and failovers not started", policy, "reason", reason.name().toLowerCase(Locale.ROOT)));
    }
  }

  /**
   * Registers gauges that read {@code hedge}'s {@link Hedge#statistics() statistics} at each scrape: the
   * current hedge delay in milliseconds, the extra load, the hedge rate and the hedge win rate (see the
   * class comment). Call it once per policy, after {@code build()}, with the name given to the
   * listener. Registering a name twice in one registry keeps the first policy's gauges (Micrometer's
   * rule for meters with the same name and tags).
   *
   * @param hedge the policy; held weakly
   * @param policy the policy's name, the value of the {@code policy} tag; not blank
   * @param registry where to register the gauges
   * @throws NullPointerException if an argument is null; nothing is registered
   * @throws IllegalArgumentException if {@code policy} is blank; nothing is registered
   */
  public static void bindStatistics(Hedge<?> hedge, String policy, MeterRegistry registry) {
    Objects.requireNonNull(hedge, "hedge");
    requirePolicyName(policy);
    Objects.requireNonNull(registry, "registry");
    gauge(registry, hedge, policy, "redundant.hedge.delay", "the hedge delay a call would use now",
        "milliseconds", stats -> stats.currentDelay().map(d -> d.toNanos() / 1e6).orElse(Double.NaN));
    gauge(registry, hedge, policy, "redundant.extra.load", "extra attempts per call", null,
        HedgeStatistics::extraLoad);
    gauge(registry, hedge, policy, "redundant.hedge.rate", "hedges started per call", null,
        HedgeStatistics::hedgeRate);
    gauge(registry, hedge, policy, "redundant.hedge.win.rate", "share of hedges that won their call", null,
        HedgeStatistics::hedgeWinRate);
  }

  private static void requirePolicyName(String policy) {
    Objects.requireNonNull(policy, "policy");
    if (policy.isBlank()) {
      throw new IllegalArgumentException("policy must not be blank");
    }
  }

  private static void gauge(MeterRegistry registry, Hedge<?> hedge, String policy, String name,
      String description, String baseUnit, ToDoubleFunction<HedgeStatistics> value) {
    Gauge.builder(name, hedge, h -> value.applyAsDouble(h.statistics()))
        .description(description)
        .baseUnit(baseUnit)
        .tag("policy", policy)
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String name, String description, String policy,
      String tag, String value) {
    Counter.Builder builder = Counter.builder(name).description(description).tag("policy", policy);
    return (tag == null ? builder : builder.tag(tag, value)).register(registry);
  }

  private static Timer timer(MeterRegistry registry, String policy, String outcome) {
    return Timer.builder("redundant.call.latency")
        .description("duration of calls, from start to end")
        .tag("policy", policy)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry);
  }

  @Override
  public void onAttemptStarted(Attempt attempt) {
    attemptsStarted.get(attempt.trigger()).increment();
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
    attemptsEnded.get(report.outcome()).increment();
  }

  @Override
  public void onAttemptCancelled(Attempt attempt) {
    attemptsEnded.get(AttemptReport.Outcome.CANCELLED).increment();
  }

  @Override
  public void onAttemptSkipped(SkippedAttempt skipped) {
    attemptsSkipped.get(skipped.reason()).increment();
  }

  @Override
  public void onCallFinished(CallSummary summary) {
    (summary.succeeded() ? callsSucceeded : callsFailed).increment();
    (summary.succeeded() ? latencySucceeded : latencyFailed).record(summary.duration());
  }
}
