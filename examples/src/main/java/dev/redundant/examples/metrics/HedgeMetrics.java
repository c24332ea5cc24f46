package dev.redundant.examples.metrics;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.HedgeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Micrometer binding for one hedging policy, as a {@link HedgeListener}: pass it to
 * {@code Hedge.builder().listener(new HedgeMetrics(registry, "quotes"))}. Every meter carries the tag
 * {@code policy=<name>}; all are registered up front, so dashboards see zeros before the first call.
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
 * </table>
 *
 * <p>Where it lives: this class is part of the examples, not of the library, so the library keeps
 * {@code slf4j-api} as its only runtime dependency and Micrometer never reaches users who do not want it.
 * Copy it into a project that uses Micrometer (it needs only {@code micrometer-core}).
 *
 * <p><b>Threads:</b> thread-safe; every method is called on the thread of its event, possibly on several
 * at once, and only increments meters (no blocking, no allocation per event beyond Micrometer's own).
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
    Objects.requireNonNull(policy, "policy");
    if (policy.isBlank()) {
      throw new IllegalArgumentException("policy must not be blank");
    }
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
    // Extension point, for when the engine reports them (do not add before): a counter
    // "redundant.budget.denied" for hedges and failovers a HedgeBudget refused, once a listener event
    // reports a denial, and gauges for a policy's HedgeStatistics (extraLoad, hedgeRate, hedgeWinRate, the
    // current delay) once a Hedge exposes them. HedgeBudget and HedgeStatistics exist but are not wired to
    // Hedge yet. Register them here with the same policy tag.
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
  public void onCallFinished(CallSummary summary) {
    (summary.succeeded() ? callsSucceeded : callsFailed).increment();
    (summary.succeeded() ? latencySucceeded : latencyFailed).record(summary.duration());
  }
}
