package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.TimeSource;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The spin advisor's learning, without threads. */
class SpinAdvisorTest {

  @Test
  void spinsUntilSpinningStopsPayingThenOnlyProbes() {
    SpinAdvisor advisor = new SpinAdvisor(Object.class);
    for (int i = 0; i < SpinAdvisor.MAX_SCORE / 2; i++) {
      assertThat(advisor.shouldSpin()).isTrue();
      advisor.record(false);
    }
    int spins = 0;
    for (int i = 0; i < SpinAdvisor.PROBE_EVERY * 4; i++) {
      spins += advisor.shouldSpin() ? 1 : 0;
    }
    assertThat(spins).isEqualTo(4); // one probe in PROBE_EVERY
  }

  @Test
  void aProbeThatPaysStartsSpinningAgain() {
    SpinAdvisor advisor = new SpinAdvisor(Object.class);
    for (int i = 0; i < SpinAdvisor.MAX_SCORE; i++) {
      advisor.record(false);
    }
    advisor.record(true);
    assertThat(advisor.shouldSpin()).isTrue();
  }

  @Test
  void theScoreIsBoundedSoALongRunOfWinsIsForgottenInBoundedTime() {
    SpinAdvisor advisor = new SpinAdvisor(Object.class);
    for (int i = 0; i < 1_000; i++) {
      advisor.record(true);
    }
    for (int i = 0; i < SpinAdvisor.MAX_SCORE; i++) {
      advisor.record(false);
    }
    int spins = 0;
    for (int i = 0; i < SpinAdvisor.PROBE_EVERY; i++) {
      spins += advisor.shouldSpin() ? 1 : 0;
    }
    assertThat(spins).isEqualTo(1);
  }

  @Test
  void eachTaskClassOfAPolicyLearnsApart() {
    PolicyRuntime config = new PolicyRuntime(2, new long[2], null, null, f -> false, null, null, false, null,
        Runnable::run, TimeSource.system(), false);
    Callable<String> fast = () -> "fast";
    Callable<String> slow = () -> "slow";
    SpinAdvisor forFast = config.spinAdvisorFor(fast);
    SpinAdvisor forSlow = config.spinAdvisorFor(slow);
    assertThat(forFast).isNotSameAs(forSlow);
    assertThat(config.spinAdvisorFor(fast)).isSameAs(forFast);
    assertThat(config.spinAdvisorFor(slow)).isSameAs(forSlow);
    for (int i = 0; i < SpinAdvisor.MAX_SCORE; i++) {
      forSlow.record(false);
    }
    assertThat(forFast.shouldSpin()).isTrue(); // untouched by the slow call site
  }
}
