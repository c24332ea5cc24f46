package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redundant.internal.Concurrently;
import dev.redundant.internal.loop.TokenBudget;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The budget's settings, its token accounting on a manual clock, and a budget shared by two policies. */
class HedgeBudgetTest {
  private final ManualTimeSource time = new ManualTimeSource();

  private HedgeBudget.Builder noMinRate() {
    return HedgeBudget.builder().minPerSecond(0).timeSource(time);
  }

  private static int grantHedges(TokenBudget tokens, int asks) {
    int granted = 0;
    for (int i = 0; i < asks; i++) {
      granted += tokens.tryHedge() ? 1 : 0;
    }
    return granted;
  }

  private static void startCalls(TokenBudget tokens, int calls) {
    for (int i = 0; i < calls; i++) {
      tokens.callStarted();
    }
  }

  private static void endCalls(TokenBudget tokens, int calls, boolean succeeded) {
    for (int i = 0; i < calls; i++) {
      tokens.callEnded(succeeded);
    }
  }

  @Test
  void defaults() {
    HedgeBudget budget = HedgeBudget.builder().build();
    assertThat(budget.hedgesPerSuccess()).isEqualTo(0.1);
    assertThat(budget.failoversPerSuccess()).isEqualTo(1.0);
    assertThat(budget.burst()).isEqualTo(10);
    assertThat(budget.minPerSecond()).isEqualTo(1.0);
    assertThat(budget.timeSource()).isSameAs(TimeSource.system());
    assertThat(budget.hedgeTokens()).isEqualTo(10.0);
    assertThat(budget.failoverTokens()).isEqualTo(10.0);
    assertThat(budget).hasToString("HedgeBudget[hedgesPerSuccess=0.1, failoversPerSuccess=1.0, burst=10, "
        + "minPerSecond=1.0, timeSource=TimeSource.system()]");
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.001, 100.001, Double.NaN, Double.POSITIVE_INFINITY, 4e-7, 9.99e-7, Double.MIN_VALUE})
  void perSuccessOutOfBounds(double tokens) {
    assertThatThrownBy(() -> HedgeBudget.builder().hedgesPerSuccess(tokens))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hedgesPerSuccess must be 0 or between 1.0E-6 and 100.0, was " + tokens);
    assertThatThrownBy(() -> HedgeBudget.builder().failoversPerSuccess(tokens))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failoversPerSuccess must be 0 or between 1.0E-6 and 100.0, was " + tokens);
  }

  @Test
  void aSmallShareIsEarnedAsSetNotRoundedToAMillionth() {
    // Kept in millionths of a token, 1.5e-6 was rounded to 2e-6: a token after 500,000 successes, 33% early.
    TokenBudget tokens = noMinRate().burst(1).hedgesPerSuccess(1.5e-6).build().tokens();
    assertThat(tokens.tryHedge()).isTrue();
    for (int i = 0; i < 666_666; i++) {
      tokens.onSuccess(); // 0.999999 tokens
    }
    assertThat(tokens.tryHedge()).isFalse();
    tokens.onSuccess();
    assertThat(tokens.tryHedge()).isTrue();
    TokenBudget smallest = noMinRate().burst(1).hedgesPerSuccess(1e-6).build().tokens();
    assertThat(smallest.tryHedge()).isTrue();
    for (int i = 0; i < 1_000_000; i++) {
      smallest.onSuccess();
    }
    assertThat(smallest.tryHedge()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 1_000_001})
  void burstOutOfBounds(int tokens) {
    assertThatThrownBy(() -> HedgeBudget.builder().burst(tokens))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("burst must be between 1 and 1000000, was " + tokens);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, 1_000_001, Double.NaN})
  void minPerSecondOutOfBounds(double attempts) {
    assertThatThrownBy(() -> HedgeBudget.builder().minPerSecond(attempts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minPerSecond must be between 0 and 1000000.0, was " + attempts);
  }

  @Test
  void boundsAreAcceptedAndNullIsNamed() {
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0).failoversPerSuccess(100).burst(1_000_000)
        .minPerSecond(1_000_000).build();
    assertThat(budget.burst()).isEqualTo(1_000_000);
    assertThatThrownBy(() -> HedgeBudget.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeSource");
  }

  @Test
  void buildCopiesTheSettingsAndEachBudgetHasTokensOfItsOwn() {
    HedgeBudget.Builder builder = noMinRate().burst(1);
    HedgeBudget first = builder.build();
    HedgeBudget second = builder.burst(5).build();
    assertThat(first.burst()).isEqualTo(1);
    assertThat(first.tokens().tryHedge()).isTrue();
    assertThat(first.tokens().tryHedge()).isFalse();
    assertThat(second.tokens().tryHedge()).isTrue();
  }

  @Test
  void startsFullThenDeniesWhenExhausted() {
    TokenBudget tokens = noMinRate().burst(3).build().tokens();
    assertThat(grantHedges(tokens, 5)).isEqualTo(3);
    assertThat(tokens.tryFailover()).isTrue(); // failovers have tokens of their own
  }

  @Test
  void successesEarnTokensUpToTheBurst() {
    HedgeBudget budget = noMinRate().hedgesPerSuccess(0.1).burst(10).build();
    TokenBudget tokens = budget.tokens();
    grantHedges(tokens, 10);
    for (int i = 0; i < 9; i++) {
      tokens.onSuccess();
    }
    assertThat(tokens.tryHedge()).isFalse(); // 0.9 tokens
    tokens.onSuccess();
    assertThat(tokens.tryHedge()).isTrue(); // 10 x 0.1 adds up to exactly one token
    for (int i = 0; i < 1000; i++) {
      tokens.onSuccess();
    }
    assertThat(budget.hedgeTokens()).isEqualTo(10.0);
    assertThat(grantHedges(tokens, 20)).isEqualTo(10);
  }

  @Test
  void theReserveGrowsWithTheCallsInFlightBeforeAnySuccess() {
    // A fixed reserve of 10 tokens: 300 concurrent calls to a dependency failing 20% of attempts need
    // about 75 failovers before the first success, and a denied failover fails its call.
    HedgeBudget budget = noMinRate().build();
    TokenBudget tokens = budget.tokens();
    startCalls(tokens, 300);
    assertThat(budget.callsInFlight()).isEqualTo(300);
    assertThat(budget.failoverTokens()).isEqualTo(10 + 300 * 1.0);
    assertThat(budget.hedgeTokens()).isCloseTo(10 + 300 * 0.1, within(1e-9));
    int failovers = 0;
    while (tokens.tryFailover()) {
      failovers++;
    }
    assertThat(failovers).isEqualTo(310);
    assertThat(grantHedges(tokens, 100)).isEqualTo(40);
  }

  @Test
  void theReserveOfCallsThatEndWithoutSuccessStaysSpent() {
    HedgeBudget budget = noMinRate().build();
    TokenBudget tokens = budget.tokens();
    startCalls(tokens, 100);
    assertThat(grantHedges(tokens, 100)).isEqualTo(20);
    endCalls(tokens, 100, false); // an outage: no call succeeds
    assertThat(budget.callsInFlight()).isZero();
    assertThat(budget.hedgeTokens()).isZero(); // 20 owed, a reserve of 10
    startCalls(tokens, 100); // the next calls bring back only what the outage already spent
    assertThat(grantHedges(tokens, 100)).isZero();
    endCalls(tokens, 100, true); // 100 successes pay 10 tokens back
    assertThat(budget.hedgeTokens()).isCloseTo(0, within(1e-9));
    for (int i = 0; i < 100; i++) {
      tokens.onSuccess();
    }
    assertThat(budget.hedgeTokens()).isCloseTo(10, within(1e-9));
    for (int i = 0; i < 1000; i++) {
      tokens.onSuccess();
    }
    assertThat(budget.hedgeTokens()).isEqualTo(10.0); // not saved beyond the reserve
  }

  @Test
  void theMinimumRateRefillsWithTimeAndSavesUpOneSecond() {
    TokenBudget tokens = HedgeBudget.builder().burst(1).minPerSecond(2).timeSource(time).build().tokens();
    assertThat(grantHedges(tokens, 10)).isEqualTo(1 + 2); // the burst, then one second of the minimum rate
    assertThat(tokens.tryFailover()).isTrue(); // the failover burst
    assertThat(tokens.tryFailover()).isFalse();
    time.advance(Duration.ofMillis(499));
    assertThat(tokens.tryHedge()).isFalse();
    time.advance(Duration.ofMillis(1));
    assertThat(tokens.tryFailover()).isTrue(); // the minimum rate is shared by hedges and failovers
    assertThat(tokens.tryHedge()).isFalse();
    time.advance(Duration.ofSeconds(60));
    assertThat(grantHedges(tokens, 10)).isEqualTo(2);
  }

  @Test
  void aSlowMinimumRateSavesUpOneToken() {
    TokenBudget tokens = HedgeBudget.builder().burst(1).minPerSecond(0.1).timeSource(time).build().tokens();
    assertThat(grantHedges(tokens, 10)).isEqualTo(2);
    time.advance(Duration.ofSeconds(9));
    assertThat(tokens.tryHedge()).isFalse();
    time.advance(Duration.ofSeconds(100));
    assertThat(grantHedges(tokens, 10)).isEqualTo(1);
  }

  @Test
  void twoPoliciesSharingABudgetSpendAndEarnTheSameTokens() throws Exception {
    HedgeBudget shared = noMinRate().hedgesPerSuccess(1).burst(100).build();
    TokenBudget tokens = shared.tokens();
    grantHedges(tokens, 100);
    int perPolicy = 10_000;
    AtomicInteger granted = new AtomicInteger();
    Concurrently.run(2, policy -> { // one policy calls from a platform thread, the other from a virtual one
      for (int i = 0; i < perPolicy; i++) {
        tokens.onSuccess();
        granted.addAndGet(tokens.tryHedge() ? 1 : 0);
      }
    });
    // Every token earned by either policy was spent by one of them, none twice: one per success.
    assertThat(granted.get() + shared.hedgeTokens()).isEqualTo(2.0 * perPolicy);
  }

  /**
   * Attempts per call of a simulated failover-only policy (max 5) at 200 calls/s against a failure rate,
   * {@code concurrency} calls in flight at once (each in flight from its start until it ends).
   */
  private double attemptsPerCall(HedgeBudget budget, double failureRate, int calls, int concurrency,
      int[] denied) {
    TokenBudget tokens = budget.tokens();
    SplittableRandom random = new SplittableRandom(42);
    long attempts = 0;
    startCalls(tokens, concurrency - 1);
    for (int call = 0; call < calls; call++) {
      time.advance(Duration.ofMillis(5));
      tokens.callStarted();
      boolean succeeded = false;
      for (int attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0 && !tokens.tryFailover()) {
          denied[0]++;
          break;
        }
        attempts++;
        if (random.nextDouble() >= failureRate) {
          succeeded = true;
          break;
        }
      }
      tokens.callEnded(succeeded);
    }
    return (double) attempts / calls;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100})
  void aFlakyDependencyKeepsItsFailoversAndADeadOneCostsAboutOneAttemptPerCall(int concurrency) {
    int[] denied = new int[1];
    double flaky = attemptsPerCall(HedgeBudget.builder().timeSource(time).build(), 0.2, 20_000, concurrency,
        denied);
    assertThat(denied[0]).isZero();
    assertThat(flaky).isBetween(1.2, 1.3); // 1 + 0.2 + 0.04 + ...

    denied[0] = 0;
    double dead = attemptsPerCall(HedgeBudget.builder().timeSource(time).build(), 1.0, 20_000, concurrency,
        denied);
    // 20,000 calls in 100 s: the reserve (10, plus 1 per call in flight) and 1 a second of minimum rate.
    double reserve = 10 + concurrency;
    assertThat(dead).isLessThanOrEqualTo(1 + (reserve + 100 + 1) / 20_000.0);
    assertThat(denied[0]).isGreaterThanOrEqualTo(20_000 - (int) reserve - 101);
  }

  @Test
  void aBudgetThatCannotFundTheAdaptiveTargetIsWarnedAboutAtBuild() {
    try (CapturedStderr log = new CapturedStderr()) {
      Hedge.builder().maxAttempts(2).adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.15))
          .budget(HedgeBudget.builder().build()).build();
      assertThat(log.text()).contains("WARN").contains("hedgesPerSuccess (0.1)")
          .contains("targetExtraLoad (0.15)");
    }
    try (CapturedStderr log = new CapturedStderr()) {
      Hedge.builder().maxAttempts(2).adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05))
          .budget(HedgeBudget.builder().build()).build();
      Hedge.builder().maxAttempts(2).adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.15))
          .budget(HedgeBudget.builder().hedgesPerSuccess(0.3).build()).build();
      assertThat(log.text()).doesNotContain("hedgesPerSuccess");
    }
  }
}
