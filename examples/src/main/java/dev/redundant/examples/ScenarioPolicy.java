package dev.redundant.examples;

import dev.redundant.AdaptiveDelay;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeBuilder;
import dev.redundant.HedgeListener;
import dev.redundant.Replicas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A policy a scenario is run with: one row (per phase) of its table. Each run builds the policy afresh
 * with the run's {@link PhaseCounter} as its listener.
 *
 * @param policy {@code none}, {@code notebook}, {@code fixed}, {@code failover-only}, {@code adaptive},
 *     {@code adaptive-no-deadline}, {@code adaptive-default-budget}, {@code adaptive-no-budget},
 *     {@code replica-aware} or {@code oracle}
 * @param delayMs the delay of a {@code fixed} policy in the scenario's milliseconds, null otherwise
 * @param build builds the policy with a listener
 * @param oracleRouted whether the run sends the attempts where {@link Dependency#oracleReplicaFor} says
 *     (the {@code oracle} row of S8: the bound for routing), instead of where the policy or the blind rule does
 */
record ScenarioPolicy(String policy, Double delayMs, Function<HedgeListener, Hedge<Object>> build,
    boolean oracleRouted) {

  ScenarioPolicy(String policy, Double delayMs, Function<HedgeListener, Hedge<Object>> build) {
    this(policy, delayMs, build, false);
  }

  /**
   * Returns the policies a scenario compares: no hedging, the notebook's 2 at once (not on S7a/S7b), the
   * simulation's fixed delay, the adaptive policy (S1d also without deadline awareness; S6a and S6b also
   * with a budget at its defaults; S7a and S7b also without a budget), and with {@code sweep} more fixed
   * delays and their limit as the delay grows, {@code failover-only}.
   *
   * @param scenario the scenario
   * @param sweep whether to add the sweep's fixed delays and failover-only
   * @return the policies, in the table's order
   */
  static List<ScenarioPolicy> of(Scenario scenario, boolean sweep) {
    List<ScenarioPolicy> policies = new ArrayList<>();
    policies.add(new ScenarioPolicy("none", null, listener -> base(scenario, listener).maxAttempts(1).build()));
    if (!scenario.aboutConcurrency() && !scenario.routesReplicas()) {
      policies.add(new ScenarioPolicy("notebook", null,
          listener -> base(scenario, listener).maxAttempts(2).delay(Duration.ZERO).build()));
    }
    policies.add(fixed(scenario, scenario.fixedDelaySeconds()));
    policies.add(adaptive(scenario, "adaptive", true));
    if (scenario.comparesDeadlineAwareness()) {
      policies.add(adaptive(scenario, "adaptive-no-deadline", false));
    }
    if (scenario.comparesDefaultBudget()) {
      policies.add(new ScenarioPolicy("adaptive-default-budget", null,
          listener -> adaptivePolicy(scenario, true, HedgeBudget.builder().build(), listener)));
    }
    if (scenario.aboutConcurrency()) {
      policies.add(new ScenarioPolicy("adaptive-no-budget", null,
          listener -> adaptivePolicy(scenario, true, null, listener)));
    }
    if (scenario.routesReplicas()) {
      policies.add(new ScenarioPolicy("replica-aware", null, listener -> {
        HedgeBuilder<Object> builder = adaptiveBuilder(scenario, true, budgetFor(scenario.targetExtraLoad()), listener);
        return builder.replicas(Replicas.of(IntStream.range(0, Scenario.S8_REPLICAS).boxed().toList())).build();
      }));
      // The same adaptive policy, its attempts sent by an oracle that knows which replica is slow or
      // failing in each phase: what perfect routing would reach at the same L.
      policies.add(new ScenarioPolicy("oracle", null, listener -> adaptiveBuilder(scenario, true,
          budgetFor(scenario.targetExtraLoad()), listener).build(), true));
    }
    if (sweep) {
      for (double delay : scenario.sweepDelaysSeconds()) {
        policies.add(fixed(scenario, delay));
      }
      policies.add(failoverOnly(scenario));
    }
    return policies;
  }

  /**
   * The fixed-delay policy with an infinite delay: no hedge, each failed attempt failed over, up to the
   * fixed row's {@code maxAttempts}. The frontier's cheapest point: no fixed delay makes fewer attempts.
   * Where no attempt fails it is {@code none}; where some do, {@code none} (one attempt) fails those calls.
   */
  private static ScenarioPolicy failoverOnly(Scenario scenario) {
    return new ScenarioPolicy("failover-only", null, listener -> base(scenario, listener)
        .maxAttempts(scenario.maxAttempts())
        .noHedging()
        .build());
  }

  private static ScenarioPolicy fixed(Scenario scenario, double delaySeconds) {
    return new ScenarioPolicy("fixed", delaySeconds * 1000, listener -> base(scenario, listener)
        .maxAttempts(scenario.maxAttempts())
        .delay(realDuration(scenario, delaySeconds))
        .build());
  }

  private static ScenarioPolicy adaptive(Scenario scenario, String name, boolean deadlineAware) {
    return new ScenarioPolicy(name, null, listener -> adaptivePolicy(scenario, deadlineAware, listener));
  }

  /**
   * Builds the adaptive policy of a scenario: an adaptive delay that hedges the slowest {@code L} of calls
   * ({@link Scenario#targetExtraLoad()}: 0.15 on the seed tool, whose 10% of very slow calls need
   * {@code L} above their share; 0.05 elsewhere), a success-funded budget of its own
   * ({@link #budgetFor(double)}; on S7a and S7b a budget at its defaults, {@code HedgeBudget.builder().build()}),
   * deadline awareness unless {@code deadlineAware} is false, and the fixed row's {@code maxAttempts}, on top
   * of {@link #base} (timeout and listener). No delay is set by hand: until the delay is learnt (warm-up) no
   * hedge starts, only failovers.
   *
   * @param scenario the scenario
   * @param deadlineAware false only for S1d's {@code adaptive-no-deadline} row
   * @param listener the run's counter, to pass to {@link #base}
   * @return the policy
   */
  static Hedge<Object> adaptivePolicy(Scenario scenario, boolean deadlineAware, HedgeListener listener) {
    HedgeBudget budget = scenario.aboutConcurrency() ? HedgeBudget.builder().build()
        : budgetFor(scenario.targetExtraLoad());
    return adaptivePolicy(scenario, deadlineAware, budget, listener);
  }

  /**
   * Builds the adaptive policy of a scenario with a given budget, or none.
   *
   * @param scenario the scenario
   * @param deadlineAware whether hedges and failovers too late for the deadline are skipped
   * @param budget the policy's budget (its own), or null for none
   * @param listener the run's counter
   * @return the policy
   */
  static Hedge<Object> adaptivePolicy(Scenario scenario, boolean deadlineAware, HedgeBudget budget,
      HedgeListener listener) {
    return adaptiveBuilder(scenario, deadlineAware, budget, listener).build();
  }

  private static HedgeBuilder<Object> adaptiveBuilder(Scenario scenario, boolean deadlineAware, HedgeBudget budget,
      HedgeListener listener) {
    HedgeBuilder<Object> builder = base(scenario, listener)
        .maxAttempts(scenario.maxAttempts())
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(scenario.targetExtraLoad()).deadlineAware(deadlineAware));
    if (budget != null) {
      builder.budget(budget);
    }
    return builder;
  }

  /**
   * A budget of its own for one adaptive policy: about {@code 2L} hedge tokens per success, so that the
   * delay, not the budget, sets the hedge rate in a steady state, yet a loaded or dead dependency is not
   * buried; one failover token per success and the defaults' burst and minimum rate.
   */
  static HedgeBudget budgetFor(double targetExtraLoad) {
    return HedgeBudget.builder().hedgesPerSuccess(2 * targetExtraLoad).build();
  }

  /** A builder with the scenario's call timeout (scaled to real time) and the run's listener. */
  static HedgeBuilder<Object> base(Scenario scenario, HedgeListener listener) {
    HedgeBuilder<Object> builder = Hedge.builder().listener(listener);
    if (scenario.timeoutSeconds() != null) {
      builder.timeout(realDuration(scenario, scenario.timeoutSeconds()));
    }
    return builder;
  }

  private static Duration realDuration(Scenario scenario, double scenarioSeconds) {
    return Duration.ofNanos(Math.round(scenarioSeconds * scenario.timeScale() * 1e9));
  }
}
