package dev.redundant.micrometer;

import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.Hedge;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeStatistics;
import dev.redundant.Replicas;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for one hedging policy. Binding a policy takes two lines: this object is its
 * {@link HedgeListener}, and {@link #bind(Hedge)} registers the meters read from its statistics:
 *
 * <pre>{@code
 * HedgeMetrics metrics = new HedgeMetrics(registry, "quotes");
 * Hedge<Quote> hedge = metrics.bind(Hedge.builder().maxAttempts(3).listener(metrics).build());
 * }</pre>
 *
 * (to combine it with a listener of your own: {@code listener(HedgeListener.of(metrics, yours))}). Every
 * meter carries the tag {@code policy=<name>}. The counts that the policy keeps anyway (calls, attempts,
 * hedges, failovers, skips: {@link Hedge#statistics()}) are read from it at each scrape, so they cost a call
 * nothing; the listener records only what the statistics do not have: each call's duration, how failed calls
 * ended, and how attempts ended. A successful call whose first attempt wins costs one timer record. All
 * meters are registered up front (the constructor's, then {@code bind}'s), so dashboards see zeros before
 * the first call.
 *
 * <table>
 *   <caption>Meters (Prometheus names in parentheses); "stats" marks those read from the statistics</caption>
 *   <tr><th>meter</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code redundant.calls} ({@code redundant_calls_total})</td>
 *       <td>{@code outcome=succeeded} (stats), {@code all_failed}, {@code fatal}, {@code timed_out},
 *       {@code denied_by_budget}, {@code skipped_for_deadline}, {@code cancelled}, {@code error}</td>
 *       <td>calls ended, by {@link HedgeListener.CallSummary.Outcome}: fatal failures, call timeouts,
 *       failovers the budget denied with nothing left running, calls the caller gave up, ...</td></tr>
 *   <tr><td>{@code redundant.call.latency} ({@code redundant_call_latency_seconds})</td>
 *       <td>{@code succeeded=true|false}</td><td>timer: each call's duration, from its start to its end (for
 *       percentiles, turn on its histogram with a {@code MeterFilter}, see below)</td></tr>
 *   <tr><td>{@code redundant.attempts} ({@code redundant_attempts_total})</td>
 *       <td>{@code trigger=first|hedge|failover} (stats)</td><td>attempts started</td></tr>
 *   <tr><td>{@code redundant.attempts.ended}</td>
 *       <td>{@code outcome=succeeded} (stats), {@code failed}, {@code rejected}, {@code timed_out},
 *       {@code cancelled}</td><td>attempts ended</td></tr>
 *   <tr><td>{@code redundant.hedges.started} (stats)</td><td></td><td>hedges started</td></tr>
 *   <tr><td>{@code redundant.hedges.won} (stats)</td><td></td><td>calls won by a hedge</td></tr>
 *   <tr><td>{@code redundant.failovers} (stats)</td><td></td><td>attempts started at once because one
 *       failed</td></tr>
 *   <tr><td>{@code redundant.attempts.skipped} (stats)</td><td>{@code reason=budget|deadline}</td>
 *       <td>hedges and failovers not started: the {@code HedgeBudget} had no token, or the call's deadline
 *       was too near ({@link HedgeListener#onAttemptSkipped})</td></tr>
 *   <tr><td>{@code redundant.hedge.delay} ({@code redundant_hedge_delay_milliseconds})</td><td></td>
 *       <td>gauge (stats): the hedge delay a call would use now, in milliseconds; NaN when no hedge would
 *       start ({@code noHedging()}, an adaptive policy warming up without a delay, or in {@code NO_HEDGE}
 *       mode)</td></tr>
 *   <tr><td>{@code redundant.extra.load}</td><td></td><td>gauge (stats): extra attempts per call,
 *       {@code (attempts - calls) / calls}, since the policy was built</td></tr>
 *   <tr><td>{@code redundant.hedge.rate}</td><td></td><td>gauge (stats): hedges started per call</td></tr>
 *   <tr><td>{@code redundant.hedge.win.rate}</td><td></td><td>gauge (stats): share of hedges that won their
 *       call</td></tr>
 *   <tr><td>{@code redundant.hedge.win.share}</td><td></td><td>gauge (stats): share of calls a hedge won
 *       ({@link HedgeStatistics#hedgeWinShare()})</td></tr>
 *   <tr><td>{@code redundant.hedge.win.first.attempt} ({@code redundant_hedge_win_first_attempt_seconds_count},
 *       {@code _sum})</td><td></td><td>function timer (stats): its count is the calls a hedge won, its total
 *       how long their first attempts had been running when the hedge won
 *       ({@link HedgeStatistics#firstAttemptTimeAtHedgeWins()}); {@code _sum / _count} over a window is the
 *       mean, a lower bound on what those calls would have waited without the hedge</td></tr>
 * </table>
 *
 * <p>Percentiles of the call latency: like Micrometer's own meters, the timer publishes no histogram unless
 * asked. Ask before the policy is bound, for example
 * <pre>{@code
 * registry.config().meterFilter(new MeterFilter() {
 *   public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
 *     return id.getName().equals("redundant.call.latency")
 *         ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config) : config;
 *   }
 * });
 * }</pre>
 * (in Spring Boot: {@code management.metrics.distribution.percentiles-histogram.redundant.call.latency=true}).
 *
 * <p><b>Optional dependency:</b> this class needs {@code micrometer-core} on the class path (the library
 * declares it optional); the rest of the library never loads it.
 *
 * <p><b>Threads:</b> thread-safe; each listener method runs on the thread of its event, possibly on several
 * at once, and only records into meters (no blocking, no allocation of its own). The meters read from the
 * statistics take a snapshot on the scraping thread (one per meter and scrape) and never block a call.
 * Nothing here starts a thread or needs closing; those meters hold the policy weakly, so a registry does not
 * keep a dropped policy alive (they then read NaN).
 */
public final class HedgeMetrics implements HedgeListener {
  private static final String CALLS = "calls ended";
  private static final String ATTEMPTS_ENDED = "attempts ended";
  private static final String SKIPPED = "hedges and failovers not started";

  private final MeterRegistry registry;
  private final String policy;
  /** Failed calls by how they ended; a success is counted by the statistics. */
  private final Map<CallSummary.Outcome, Counter> failedCalls = new EnumMap<>(CallSummary.Outcome.class);
  private final Timer latencySucceeded;
  private final Timer latencyFailed;
  /** Attempts that did not win, by how they ended; a winner is counted by the statistics. */
  private final Map<AttemptReport.Outcome, Counter> attemptsEnded = new EnumMap<>(AttemptReport.Outcome.class);

  /**
   * Registers the meters of the listener; {@link #bind(Hedge)} registers the rest once the policy is built.
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
      if (outcome != CallSummary.Outcome.SUCCEEDED) {
        failedCalls.put(outcome, counter("redundant.calls", CALLS, "outcome", tagValue(outcome)));
      }
    }
    latencySucceeded = timer(true);
    latencyFailed = timer(false);
    for (AttemptReport.Outcome outcome : AttemptReport.Outcome.values()) {
      if (outcome != AttemptReport.Outcome.SUCCEEDED) {
        attemptsEnded.put(outcome, counter("redundant.attempts.ended", ATTEMPTS_ENDED, "outcome", tagValue(outcome)));
      }
    }
  }

  /**
   * Registers the meters read from {@code hedge}'s {@link Hedge#statistics() statistics} at each scrape:
   * the counts of calls, attempts, hedges, failovers and skips, the current hedge delay, the extra load, the
   * hedge rate, win rate and win share, and the time first attempts had been running when a hedge won (see
   * the class comment). Call it once, after {@code build()}, for the policy this object listens to. A second
   * policy bound under the same name in the same registry keeps the first one's meters (Micrometer's rule
   * for meters with the same name and tags).
   *
   * @param hedge the policy; held weakly
   * @param <T> the policy's value type
   * @return {@code hedge}, to bind it where it is built
   * @throws NullPointerException if {@code hedge} is null; nothing is registered
   */
  public <T> Hedge<T> bind(Hedge<T> hedge) {
    requireNonNull(hedge, "hedge");
    count(hedge, "redundant.calls", CALLS, "outcome", "succeeded", HedgeStatistics::successes);
    count(hedge, "redundant.attempts", "attempts started", "trigger", "first", HedgeStatistics::calls);
    count(hedge, "redundant.attempts", "attempts started", "trigger", "hedge", HedgeStatistics::hedgesStarted);
    count(hedge, "redundant.attempts", "attempts started", "trigger", "failover", HedgeStatistics::failovers);
    count(hedge, "redundant.attempts.ended", ATTEMPTS_ENDED, "outcome", "succeeded", HedgeStatistics::successes);
    count(hedge, "redundant.hedges.started", "hedges started", "", "", HedgeStatistics::hedgesStarted);
    count(hedge, "redundant.hedges.won", "calls won by a hedge", "", "", HedgeStatistics::hedgesWon);
    count(hedge, "redundant.failovers", "attempts started because one failed", "", "", HedgeStatistics::failovers);
    count(hedge, "redundant.attempts.skipped", SKIPPED, "reason", "budget", HedgeStatistics::deniedByBudget);
    count(hedge, "redundant.attempts.skipped", SKIPPED, "reason", "deadline", HedgeStatistics::skippedForDeadline);
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

  /**
   * Registers a meter per replica of a {@link Replicas} set, read from its {@link Replicas#statistics()
   * statistics} at each scrape, tagged with the policy's name, the replica's index (tag
   * {@code "replica"}) and its {@code String.valueOf} (tag {@code "replica.name"}): {@code redundant.replica.attempts}, {@code .wins} and
   * {@code .failures} (counters), {@code redundant.replica.in.flight}, {@code redundant.replica.latency}
   * (the latency estimate, ms), {@code redundant.replica.failure.rate} and {@code redundant.replica.score}
   * (gauges). Call it once per set; a set shared by several policies is best bound under one of their names.
   *
   * @param replicas the set; held weakly
   * @param <R> the type of a replica
   * @return {@code replicas}, to bind it where it is built
   * @throws NullPointerException if {@code replicas} is null; nothing is registered
   */
  public <R> Replicas<R> bind(Replicas<R> replicas) {
    requireNonNull(replicas, "replicas");
    for (int i = 0; i < replicas.size(); i++) {
      int index = i;
      String name = String.valueOf(replicas.get(i));
      replicaCount(replicas, index, name, "redundant.replica.attempts", "attempts sent to the replica",
          Replicas.ReplicaStatistics::attempts);
      replicaCount(replicas, index, name, "redundant.replica.wins", "attempts of the replica that won their call",
          Replicas.ReplicaStatistics::wins);
      replicaCount(replicas, index, name, "redundant.replica.failures",
          "attempts of the replica that failed, were rejected or timed out", Replicas.ReplicaStatistics::failures);
      replicaGauge(replicas, index, name, "redundant.replica.in.flight", "attempts on the replica running now", "",
          Replicas.ReplicaStatistics::inFlight);
      replicaGauge(replicas, index, name, "redundant.replica.latency", "the replica's latency estimate",
          "milliseconds", stats -> stats.latency().toNanos() / 1e6);
      replicaGauge(replicas, index, name, "redundant.replica.failure.rate", "the replica's recent failure rate",
          "", Replicas.ReplicaStatistics::failureRate);
      replicaGauge(replicas, index, name, "redundant.replica.score",
          "the replica's cost for a choice (lower is chosen first)", "", Replicas.ReplicaStatistics::score);
    }
    return replicas;
  }

  private <R> void replicaCount(Replicas<R> replicas, int index, String replica, String name, String description,
      ToLongFunction<Replicas.ReplicaStatistics> count) {
    FunctionCounter.builder(name, replicas, r -> count.applyAsLong(r.statistics().get(index)))
        .description(description).tag("policy", policy).tag("replica", Integer.toString(index))
        .tag("replica.name", replica).register(registry);
  }

  private <R> void replicaGauge(Replicas<R> replicas, int index, String replica, String name, String description,
      String baseUnit, ToDoubleFunction<Replicas.ReplicaStatistics> value) {
    Gauge.Builder<Replicas<R>> builder = Gauge.builder(name, replicas,
            r -> value.applyAsDouble(r.statistics().get(index)))
        .description(description).tag("policy", policy).tag("replica", Integer.toString(index))
        .tag("replica.name", replica);
    (baseUnit.isEmpty() ? builder : builder.baseUnit(baseUnit)).register(registry);
  }

  private <T> void count(Hedge<T> hedge, String name, String description, String tag, String value,
      ToLongFunction<HedgeStatistics> count) {
    FunctionCounter.Builder<Hedge<T>> builder = FunctionCounter.builder(name, hedge,
        h -> count.applyAsLong(h.statistics())).description(description).tag("policy", policy);
    (tag.isEmpty() ? builder : builder.tag(tag, value)).register(registry);
  }

  private <T> void gauge(Hedge<T> hedge, String name, String description, String baseUnit,
      ToDoubleFunction<HedgeStatistics> value) {
    Gauge.Builder<Hedge<T>> builder = Gauge.builder(name, hedge, h -> value.applyAsDouble(h.statistics()))
        .description(description)
        .tag("policy", policy);
    (baseUnit.isEmpty() ? builder : builder.baseUnit(baseUnit)).register(registry);
  }

  private Counter counter(String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag("policy", policy).tag(tag, value).register(registry);
  }

  private Timer timer(boolean succeeded) {
    return Timer.builder("redundant.call.latency")
        .description("duration of calls, from start to end")
        .tag("policy", policy)
        .tag("succeeded", Boolean.toString(succeeded))
        .register(registry);
  }

  /** Every key has its counter: the constructor registered one per constant it is called with. */
  @SuppressWarnings("NullAway") // filled by the constructor for every constant but SUCCEEDED, never passed here
  private static <E extends Enum<E>> void increment(Map<E, Counter> counters, E key) {
    counters.get(key).increment();
  }

  private static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void onAttemptFailed(Attempt attempt, AttemptReport report) {
    increment(attemptsEnded, report.outcome()); // FAILED, REJECTED or TIMED_OUT
  }

  @Override
  public void onAttemptCancelled(Attempt attempt) {
    increment(attemptsEnded, AttemptReport.Outcome.CANCELLED);
  }

  @Override
  public void onCallFinished(CallSummary summary) {
    if (summary.succeeded()) {
      latencySucceeded.record(summary.duration());
    } else {
      latencyFailed.record(summary.duration());
      increment(failedCalls, summary.outcome());
    }
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
