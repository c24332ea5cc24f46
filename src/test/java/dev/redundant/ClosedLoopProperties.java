package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Through the real engine: over any sequence of attempt outcomes, the failovers a budget lets a policy
 * start stay within {@code failoversPerSuccess x (successes + 1) + burst}: what successes earned, and the
 * reserve of the one call in flight (the minimum rate is off, so the bound is exact); and the statistics
 * add up.
 */
class ClosedLoopProperties {

  /** Each call's attempts: {@code true} succeeds, {@code false} fails, in attempt order. */
  @Provide
  Arbitrary<List<List<Boolean>>> calls() {
    return Arbitraries.of(true, false).list().ofSize(3).list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 60)
  void extraAttemptsStayWithinWhatSuccessesFund(@ForAll("calls") List<List<Boolean>> calls,
      @ForAll @DoubleRange(min = 0, max = 1) double failoversPerSuccess,
      @ForAll @IntRange(min = 1, max = 5) int burst) throws Exception {
    if (failoversPerSuccess < 1e-6) {
      failoversPerSuccess = 0; // the smallest share a budget keeps is a millionth of a token
    }
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(failoversPerSuccess).burst(burst)
        .minPerSecond(0).build();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).noHedging().budget(budget)
        .timeSource(new ManualTimeSource()).build();
    long successes = 0;
    for (List<Boolean> outcomes : calls) {
      try {
        hedge.call(attempt -> {
          if (outcomes.get(attempt.index())) {
            return "ok";
          }
          throw new IOException("attempt " + attempt.index());
        });
        successes++;
      } catch (AllAttemptsFailedException expected) {
        // every attempt failed, or the budget denied a failover
      }
      HedgeStatistics stats = hedge.statistics();
      // Deposits come after the caller returns: count only the successes before this call. While the
      // previous call's deposit is pending, that call is still in flight too: its share of the reserve
      // stands in for its deposit.
      assertThat((double) stats.failovers())
          .isLessThanOrEqualTo(failoversPerSuccess * (successes + 1) + burst + 1e-9);
    }
    Patiently.patiently().until(() -> hedge.statistics().successes() + hedge.statistics().failures()
        == calls.size());
    HedgeStatistics stats = hedge.statistics();
    assertThat(stats.successes()).isEqualTo(successes);
    assertThat(stats.attempts()).isEqualTo(stats.calls() + stats.failovers());
    assertThat(stats.hedgesStarted()).isZero();
  }
}
