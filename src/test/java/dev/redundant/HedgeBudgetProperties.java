package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.internal.TokenBudget;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Over any sequence of outcomes, a budget grants no more extra attempts than successes and time fund. */
class HedgeBudgetProperties {

  /** One thing that happens to a budget: a success, a hedge or failover asked for, or time passing. */
  record Event(int kind, int millis) {
    static final int SUCCESS = 0;
    static final int HEDGE = 1;
    static final int FAILOVER = 2;
    static final int TICK = 3;
  }

  @Provide
  Arbitrary<List<Event>> events() {
    Arbitrary<Event> event = Arbitraries.integers().between(0, 3)
        .flatMap(kind -> Arbitraries.integers().between(0, 2000).map(ms -> new Event(kind, ms)));
    return event.list().ofMaxSize(400);
  }

  @Property(tries = 300)
  void extraAttemptsStayWithinWhatSuccessesAndTheMinimumRateFund(
      @ForAll("events") List<Event> events,
      @ForAll @DoubleRange(min = 0, max = 2) double hedgesPerSuccess,
      @ForAll @DoubleRange(min = 0, max = 2) double failoversPerSuccess,
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll @DoubleRange(min = 0, max = 20) double minPerSecond) {
    ManualTimeSource time = new ManualTimeSource();
    TokenBudget tokens = HedgeBudget.builder().hedgesPerSuccess(hedgesPerSuccess)
        .failoversPerSuccess(failoversPerSuccess).burst(burst).minPerSecond(minPerSecond).timeSource(time)
        .build().tokens();
    long successes = 0;
    long hedges = 0;
    long failovers = 0;
    long elapsedMillis = 0;
    for (Event e : events) {
      switch (e.kind()) {
        case Event.SUCCESS -> {
          tokens.onSuccess();
          successes++;
        }
        case Event.HEDGE -> hedges += tokens.tryHedge() ? 1 : 0;
        case Event.FAILOVER -> failovers += tokens.tryFailover() ? 1 : 0;
        default -> {
          time.advance(Duration.ofMillis(e.millis()));
          elapsedMillis += e.millis();
        }
      }
      // The minimum rate: one second's worth saved up at the start (at least one token), then its rate.
      double floor = Math.max(1, minPerSecond) + minPerSecond * elapsedMillis / 1000.0;
      if (minPerSecond == 0) {
        floor = 0;
      }
      assertThat((double) hedges).isLessThanOrEqualTo(hedgesPerSuccess * successes + burst + floor + 1e-6);
      assertThat((double) failovers).isLessThanOrEqualTo(failoversPerSuccess * successes + burst + floor + 1e-6);
      assertThat((double) hedges + failovers).isLessThanOrEqualTo(
          (hedgesPerSuccess + failoversPerSuccess) * successes + 2 * burst + floor + 1e-6);
    }
  }

  @Property(tries = 200)
  void aBudgetWithTokensNeverDenies(
      @ForAll @IntRange(min = 1, max = 50) int burst,
      @ForAll @IntRange(min = 0, max = 200) int successes,
      @ForAll @DoubleRange(min = 0, max = 1) double hedgesPerSuccess) {
    TokenBudget tokens = HedgeBudget.builder().hedgesPerSuccess(hedgesPerSuccess).burst(burst).minPerSecond(0)
        .timeSource(new ManualTimeSource()).build().tokens();
    long granted = 0;
    while (tokens.tryHedge()) {
      granted++;
    }
    assertThat(granted).isEqualTo(burst); // starts full
    for (int i = 0; i < successes; i++) {
      tokens.onSuccess();
    }
    long earned = Math.min(burst, (long) Math.floor(Math.round(hedgesPerSuccess * 1e6) * successes / 1e6));
    granted = 0;
    while (tokens.tryHedge()) {
      granted++;
    }
    assertThat(granted).isEqualTo(earned);
  }
}
