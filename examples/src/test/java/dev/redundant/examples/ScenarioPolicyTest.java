package dev.redundant.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.HedgeListener;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The adaptive policy each scenario runs: what a user would write, with no delay tuned by hand. */
class ScenarioPolicyTest {
  private static final HedgeListener LISTENER = new HedgeListener() {};

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void theAdaptivePolicyLearnsItsDelayWithABudgetOfTwiceLAndTheFixedRowsMaxAttempts(Scenario scenario) {
    double load = scenario.targetExtraLoad();
    String policy = ScenarioPolicy.adaptivePolicy(scenario, true, LISTENER).toString();

    assertThat(policy)
        .contains("maxAttempts=" + scenario.maxAttempts() + ",")
        .contains("AdaptiveDelay[targetExtraLoad=" + load + ",")
        .contains("deadlineAware=true")
        .contains("HedgeBudget[hedgesPerSuccess=" + 2 * load + ", failoversPerSuccess=1.0, burst=10,")
        .doesNotContain("warm-up delay"); // no hand-tuned delay, not even for the warm-up
    assertThat(policy.contains("timeout=")).isEqualTo(scenario.timeoutSeconds() != null);
    assertThat(ScenarioPolicy.adaptivePolicy(scenario, false, LISTENER).toString()).contains("deadlineAware=false");
  }

  @Test
  void theSeedToolHedgesItsSlowestFifteenPercentAndTheOthersFivePercent() {
    assertThat(Scenario.S1.targetExtraLoad()).isEqualTo(0.15);
    assertThat(Scenario.S1D.targetExtraLoad()).isEqualTo(0.15);
    for (Scenario s : List.of(Scenario.S2, Scenario.S3, Scenario.S5A, Scenario.S5B, Scenario.S6A, Scenario.S6B)) {
      assertThat(s.targetExtraLoad()).as(s.id()).isEqualTo(0.05);
    }
  }

  @Test
  void everyScenarioComparesTheAdaptivePolicyAndS1dAlsoWithoutDeadlineAwareness() {
    for (Scenario scenario : Scenario.values()) {
      List<String> names = ScenarioPolicy.of(scenario, false).stream().map(ScenarioPolicy::policy).toList();
      assertThat(names).as(scenario.id()).containsExactlyElementsOf(scenario == Scenario.S1D
          ? List.of("none", "notebook", "fixed", "adaptive", "adaptive-no-deadline")
          : List.of("none", "notebook", "fixed", "adaptive"));
    }
  }

  @Test
  void eachAdaptivePolicySpendsFromABudgetOfItsOwn() {
    assertThat(ScenarioPolicy.budgetFor(0.05)).isNotSameAs(ScenarioPolicy.budgetFor(0.05));
  }
}
