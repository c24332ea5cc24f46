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

    // S7a and S7b measure the budget as a user would build it: at its defaults.
    double hedgesPerSuccess = scenario.aboutConcurrency() ? 0.1 : 2 * load;
    assertThat(policy)
        .contains("maxAttempts=" + scenario.maxAttempts() + ",")
        .contains("AdaptiveDelay[targetExtraLoad=" + load + ",")
        .contains("deadlineAware=true")
        .contains("HedgeBudget[hedgesPerSuccess=" + hedgesPerSuccess + ", failoversPerSuccess=1.0, burst=10,")
        .doesNotContain("warm-up delay"); // no hand-tuned delay, not even for the warm-up
    assertThat(policy.contains("timeout=")).isEqualTo(scenario.timeoutSeconds() != null);
    assertThat(ScenarioPolicy.adaptivePolicy(scenario, false, LISTENER).toString()).contains("deadlineAware=false");
  }

  @Test
  void theSeedToolHedgesItsSlowestFifteenPercentAndTheOthersFivePercent() {
    assertThat(Scenario.S1.targetExtraLoad()).isEqualTo(0.15);
    assertThat(Scenario.S1D.targetExtraLoad()).isEqualTo(0.15);
    assertThat(Scenario.S7B.targetExtraLoad()).isEqualTo(0.15);
    for (Scenario s : List.of(Scenario.S2, Scenario.S3, Scenario.S5A, Scenario.S5B, Scenario.S6A, Scenario.S6B,
        Scenario.S7A)) {
      assertThat(s.targetExtraLoad()).as(s.id()).isEqualTo(0.05);
    }
  }

  @Test
  void everyScenarioComparesTheAdaptivePolicyAndSomeAlsoAVariantOfIt() {
    for (Scenario scenario : Scenario.values()) {
      List<String> names = ScenarioPolicy.of(scenario, false).stream().map(ScenarioPolicy::policy).toList();
      List<String> expected = switch (scenario) {
        case S1D -> List.of("none", "notebook", "fixed", "adaptive", "adaptive-no-deadline");
        case S6A, S6B -> List.of("none", "notebook", "fixed", "adaptive", "adaptive-default-budget");
        case S7A, S7B -> List.of("none", "fixed", "adaptive", "adaptive-no-budget");
        case S8 -> List.of("none", "fixed", "adaptive", "replica-aware", "oracle");
        default -> List.of("none", "notebook", "fixed", "adaptive");
      };
      assertThat(names).as(scenario.id()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void theSweepAddsItsFixedDelaysAndTheirLimitFailoverOnly() {
    for (Scenario scenario : Scenario.values()) {
      List<ScenarioPolicy> swept = ScenarioPolicy.of(scenario, true);
      List<ScenarioPolicy> added = swept.subList(ScenarioPolicy.of(scenario, false).size(), swept.size());
      assertThat(added).as(scenario.id()).hasSize(scenario.sweepDelaysSeconds().length + 1);
      for (int i = 0; i < scenario.sweepDelaysSeconds().length; i++) {
        assertThat(added.get(i).policy()).isEqualTo("fixed");
        assertThat(added.get(i).delayMs()).isEqualTo(scenario.sweepDelaysSeconds()[i] * 1000);
      }
      ScenarioPolicy limit = added.get(added.size() - 1);
      assertThat(limit.policy()).isEqualTo("failover-only");
      assertThat(limit.delayMs()).isNull();
      // no hedge, the fixed row's attempts: what a fixed delay becomes as it grows
      assertThat(limit.build().apply(LISTENER).toString()).as(scenario.id())
          .contains("maxAttempts=" + scenario.maxAttempts() + ",").contains("noHedging");
    }
  }

  @Test
  void theReplicaAwarePolicyIsTheAdaptiveOneWithRoutingOverFourReplicas() {
    String adaptive = ScenarioPolicy.adaptivePolicy(Scenario.S8, true, LISTENER).toString();
    String aware = ScenarioPolicy.of(Scenario.S8, false).get(3).build().apply(LISTENER).toString();
    assertThat(adaptive).contains("adaptiveDelay=AdaptiveDelay[targetExtraLoad=0.1").doesNotContain("replicas=");
    assertThat(aware).startsWith(adaptive.substring(0, adaptive.length() - 1))
        .endsWith(", replicas=Replicas[0, 1, 2, 3][decay=PT1S]]");
  }

  @Test
  void theOracleIsTheAdaptivePolicyWhoseAttemptsTheRunSendsToHealthyReplicas() {
    ScenarioPolicy oracle = ScenarioPolicy.of(Scenario.S8, false).get(4);
    assertThat(oracle.oracleRouted()).isTrue();
    assertThat(oracle.build().apply(LISTENER).toString())
        .isEqualTo(ScenarioPolicy.adaptivePolicy(Scenario.S8, true, LISTENER).toString());
    assertThat(ScenarioPolicy.of(Scenario.S8, false).get(3).oracleRouted()).isFalse();

    Timeline timeline = Scenario.S8.timeline(100);
    Dependency dependency = Scenario.S8.newDependency(42, timeline);
    dependency.advanceTo(0);
    for (long call = 0; call < 200; call++) {
      assertThat(oracleReplicas(dependency, call)).as("call %s, first half", call).doesNotHaveDuplicates()
          .doesNotContain(1); // slow in the first half
    }
    dependency.advanceTo(50);
    for (long call = 200; call < 400; call++) {
      assertThat(oracleReplicas(dependency, call)).as("call %s, second half", call).doesNotHaveDuplicates()
          .doesNotContain(3); // failing in the second half
    }
  }

  /** The replicas the oracle sends a call's three attempts to. */
  private static List<Integer> oracleReplicas(Dependency dependency, long call) {
    return java.util.stream.IntStream.range(0, 3).mapToObj(i -> dependency.oracleReplicaFor(attempt(i), call)).toList();
  }

  private static dev.redundant.Attempt attempt(int index) {
    return new dev.redundant.Attempt() {
      @Override
      public int index() {
        return index;
      }

      @Override
      public Trigger trigger() {
        return index == 0 ? Trigger.FIRST : Trigger.HEDGE;
      }

      @Override
      public java.time.Duration sinceCallStart() {
        return java.time.Duration.ZERO;
      }
    };
  }

  @Test
  void theVariantsDifferFromTheAdaptivePolicyOnlyInTheirBudget() {
    for (Scenario scenario : List.of(Scenario.S6A, Scenario.S6B, Scenario.S7A, Scenario.S7B)) {
      String adaptive = ScenarioPolicy.adaptivePolicy(scenario, true, LISTENER).toString();
      ScenarioPolicy variant = ScenarioPolicy.of(scenario, false).get(scenario.aboutConcurrency() ? 3 : 4);
      String other = variant.build().apply(LISTENER).toString();
      if (scenario.aboutConcurrency()) {
        int budget = adaptive.indexOf(", budget=HedgeBudget[");
        String withoutBudget = adaptive.substring(0, budget) + adaptive.substring(adaptive.indexOf(']', budget) + 1);
        assertThat(other).doesNotContain("HedgeBudget").isEqualTo(withoutBudget);
      } else {
        assertThat(other).contains("HedgeBudget[hedgesPerSuccess=0.1, failoversPerSuccess=1.0, burst=10, minPerSecond=1.0");
      }
    }
  }

  @Test
  void theStartUpBurstComesFirstAndHasAPhaseOfItsOwn() {
    Timeline timeline = Scenario.S7B.timeline(600);
    assertThat(timeline.reported()).containsExactly(Phase.ALL, Phase.BURST, Phase.AFTER_BURST);
    assertThat(timeline.phaseAt(0)).isEqualTo(Phase.BURST);
    assertThat(timeline.phaseAt(Scenario.BURST_SECONDS)).isEqualTo(Phase.AFTER_BURST);
    assertThat(Scenario.S7B.startsWithBurst()).isTrue();
    assertThat(Scenario.S7A.closedLoop()).isTrue();
    assertThat(Scenario.byId("s7a")).isEqualTo(Scenario.S7A);
  }

  @Test
  void eachAdaptivePolicySpendsFromABudgetOfItsOwn() {
    assertThat(ScenarioPolicy.budgetFor(0.05)).isNotSameAs(ScenarioPolicy.budgetFor(0.05));
  }
}
