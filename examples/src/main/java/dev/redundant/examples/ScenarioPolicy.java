package dev.redundant.examples;

import dev.redundant.Hedge;
import dev.redundant.HedgeBuilder;
import dev.redundant.HedgeListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A policy a scenario is run with: one row (per phase) of its table. Each run builds the policy afresh
 * with the run's {@link PhaseCounter} as its listener.
 *
 * @param policy {@code none}, {@code notebook}, {@code fixed}, {@code adaptive} or
 *     {@code adaptive-no-deadline}
 * @param delayMs the delay of a {@code fixed} policy in the scenario's milliseconds, null otherwise
 * @param build builds the policy with a listener
 */
record ScenarioPolicy(String policy, Double delayMs, Function<HedgeListener, Hedge<Object>> build) {

  /**
   * Returns the policies a scenario compares: no hedging, the notebook's 2 at once, the simulation's fixed
   * delay, the adaptive policy (where available), and with {@code sweep} more fixed delays.
   *
   * @param scenario the scenario
   * @param sweep whether to add the sweep's fixed delays
   * @return the policies, in the table's order
   */
  static List<ScenarioPolicy> of(Scenario scenario, boolean sweep) {
    List<ScenarioPolicy> policies = new ArrayList<>();
    policies.add(new ScenarioPolicy("none", null, listener -> base(scenario, listener).maxAttempts(1).build()));
    policies.add(new ScenarioPolicy("notebook", null,
        listener -> base(scenario, listener).maxAttempts(2).delay(Duration.ZERO).build()));
    policies.add(fixed(scenario, scenario.fixedDelaySeconds()));
    addAdaptive(policies, scenario, "adaptive", true);
    if (scenario.comparesDeadlineAwareness()) {
      addAdaptive(policies, scenario, "adaptive-no-deadline", false);
    }
    if (sweep) {
      for (double delay : scenario.sweepDelaysSeconds()) {
        policies.add(fixed(scenario, delay));
      }
    }
    return policies;
  }

  private static ScenarioPolicy fixed(Scenario scenario, double delaySeconds) {
    return new ScenarioPolicy("fixed", delaySeconds * 1000, listener -> base(scenario, listener)
        .maxAttempts(scenario.maxAttempts())
        .delay(realDuration(scenario, delaySeconds))
        .build());
  }

  private static void addAdaptive(List<ScenarioPolicy> policies, Scenario scenario, String name,
      boolean deadlineAware) {
    // Probe once so that a missing adaptive API is reported before the run, not in the middle of it.
    if (adaptivePolicy(scenario, deadlineAware, new HedgeListener() {}).isEmpty()) {
      System.out.printf("- %s: not available yet (no adaptive delay in the library on this branch)%n", name);
      return;
    }
    policies.add(new ScenarioPolicy(name, null,
        listener -> adaptivePolicy(scenario, deadlineAware, listener).orElseThrow()));
  }

  /**
   * PLACEHOLDER, the one place that builds the adaptive policy of every scenario: the library has no
   * adaptive delay or budget yet (issue 10), so this returns empty and the experiment prints "adaptive:
   * not available yet" instead of a row. Once {@code HedgeBuilder} gains them, build here: an adaptive
   * delay (L = 0.15 on S1/S1d, 0.05 elsewhere), a success-funded budget, and deadline awareness when
   * {@code deadlineAware}, on top of {@link #base} (timeout and listener) and
   * {@code maxAttempts(scenario.maxAttempts())}.
   *
   * @param scenario the scenario
   * @param deadlineAware false only for S1d's {@code adaptive-no-deadline} row
   * @param listener the run's counter, to pass to {@link #base}
   * @return the policy, or empty while the adaptive API is not available
   */
  static Optional<Hedge<Object>> adaptivePolicy(Scenario scenario, boolean deadlineAware, HedgeListener listener) {
    return Optional.empty();
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
