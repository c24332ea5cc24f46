package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.internal.loop.TokenBudget;
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

/**
 * Over any sequence of outcomes, a budget grants no more extra attempts than successes, the reserve of
 * the calls in flight and time fund.
 */
class HedgeBudgetProperties {

  /**
   * One thing that happens to a budget: a success (of a call in flight, or of one not counted), a hedge
   * or failover asked for, time passing, a call starting or a call ending without success.
   */
  record Event(int kind, int millis) {
    static final int SUCCESS = 0;
    static final int HEDGE = 1;
    static final int FAILOVER = 2;
    static final int TICK = 3;
    static final int CALL_STARTED = 4;
    static final int CALL_FAILED = 5;
  }

  @Provide
  Arbitrary<List<Event>> events() {
    Arbitrary<Event> event = Arbitraries.integers().between(0, 5)
        .flatMap(kind -> Arbitraries.integers().between(0, 2000).map(ms -> new Event(kind, ms)));
    return event.list().ofMaxSize(400);
  }

  /** A share the budget accepts: 0, or at least a millionth of a token. */
  private static double share(double tokens) {
    return tokens < 1e-6 ? 0 : tokens;
  }

  @Property(tries = 300)
  void extraAttemptsStayWithinWhatSuccessesTheCallsInFlightAndTheMinimumRateFund(
      @ForAll("events") List<Event> events,
      @ForAll @DoubleRange(min = 0, max = 2) double hedgesPerSuccess,
      @ForAll @DoubleRange(min = 0, max = 2) double failoversPerSuccess,
      @ForAll @IntRange(min = 1, max = 20) int burst,
      @ForAll @DoubleRange(min = 0, max = 20) double minPerSecond) {
    hedgesPerSuccess = share(hedgesPerSuccess);
    failoversPerSuccess = share(failoversPerSuccess);
    ManualTimeSource time = new ManualTimeSource();
    TokenBudget tokens = HedgeBudget.builder().hedgesPerSuccess(hedgesPerSuccess)
        .failoversPerSuccess(failoversPerSuccess).burst(burst).minPerSecond(minPerSecond).timeSource(time)
        .build().tokens();
    long successes = 0;
    long hedges = 0;
    long failovers = 0;
    long elapsedMillis = 0;
    long inFlight = 0;
    long mostInFlight = 0;
    for (Event e : events) {
      switch (e.kind()) {
        case Event.SUCCESS -> {
          if (inFlight > 0) {
            tokens.callEnded(true);
            inFlight--;
          } else {
            tokens.onSuccess();
          }
          successes++;
        }
        case Event.CALL_STARTED -> {
          tokens.callStarted();
          mostInFlight = Math.max(mostInFlight, ++inFlight);
        }
        case Event.CALL_FAILED -> {
          if (inFlight > 0) {
            tokens.callEnded(false);
            inFlight--;
          }
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
      // Each kind: what successes earned, plus the reserve at its largest (burst + share x calls in flight).
      assertThat((double) hedges).isLessThanOrEqualTo(
          hedgesPerSuccess * (successes + mostInFlight) + burst + floor + 1e-6);
      assertThat((double) failovers).isLessThanOrEqualTo(
          failoversPerSuccess * (successes + mostInFlight) + burst + floor + 1e-6);
      assertThat((double) hedges + failovers).isLessThanOrEqualTo(
          (hedgesPerSuccess + failoversPerSuccess) * (successes + mostInFlight) + 2 * burst + floor + 1e-6);
    }
  }

  @Property(tries = 200)
  void aBudgetWithTokensNeverDenies(
      @ForAll @IntRange(min = 1, max = 50) int burst,
      @ForAll @IntRange(min = 0, max = 200) int successes,
      @ForAll @DoubleRange(min = 0, max = 1) double hedgesPerSuccess) {
    hedgesPerSuccess = share(hedgesPerSuccess);
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
    long earned = Math.min(burst, (long) Math.floor(Math.round(hedgesPerSuccess * 1e9) * successes / 1e9));
    granted = 0;
    while (tokens.tryHedge()) {
      granted++;
    }
    assertThat(granted).isEqualTo(earned);
  }
}
