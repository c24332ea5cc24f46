package dev.redundant.examples;

import dev.redundant.AdaptiveDelay;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeListener;
import dev.redundant.Redundant;
import dev.redundant.testing.FlakyTool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The quick start: calls a flaky service with two attempts at once, then with a hedging policy, then
 * once with a closed-loop policy (adaptive delay and budget), and prints what came back.
 *
 * <pre>{@code
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.QuickStart
 * }</pre>
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Makes three calls each way.
   *
   * @param args ignored
   * @throws InterruptedException if interrupted while waiting for a call: a blocking call throws it, and
   *     here it propagates (the JVM ends); code that cannot throw it restores the interrupt flag instead
   */
  public static void main(String[] args) throws InterruptedException {
    // 20% of calls fail at once, 10% take 5-7 s, the others 0.5-1 s: here 100 times faster.
    FlakyTool tool = FlakyTool.builder().timeScale(0.01).build();

    // Two attempts at once: the first success wins, the other attempt is interrupted.
    for (int i = 0; i < 3; i++) {
      String query = "user-profile-" + i;
      try {
        System.out.println("2 at once: " + Redundant.firstSuccess(2, () -> tool.fetch(query)));
      } catch (AllAttemptsFailedException e) {
        System.out.println("2 at once: every attempt failed: " + e.failures());
      }
    }

    // Hedging: one attempt; the next starts at once when one fails, or when none has answered after
    // 10 ms (a second of the tool); at most 5. Build the policy once and reuse it. A listener for one
    // event counts the hedges.
    AtomicInteger hedges = new AtomicInteger();
    Hedge<String> hedge = Hedge.builder().maxAttempts(5).delay(Duration.ofMillis(10))
        .listener(HedgeListener.onHedge(attempt -> hedges.incrementAndGet()))
        .build();
    for (int i = 0; i < 3; i++) {
      String query = "user-profile-" + i;
      try {
        String data = hedge.call(attempt -> tool.fetch(query) + " (attempt " + attempt.index() + ")");
        System.out.println("hedged:    " + data);
      } catch (AllAttemptsFailedException e) {
        System.out.println("hedged:    every attempt failed: " + e.failures());
      }
    }
    System.out.println("hedges started: " + hedges.get() + " by " + hedge);

    // When the dependency's latency drifts, close the loop instead of fixing the delay: the policy learns
    // its delay from recent first attempts (hedging the slowest 15% of calls, more than this tool's share
    // of slow answers) and a budget caps hedges and failovers when the dependency is down. It needs 100 first attempts to learn; until then the delay set
    // with delay(...) applies. See "Closed-loop hedging" in the README, and metrics/MetricsExample.
    Hedge<String> closedLoop = Hedge.builder().maxAttempts(5).delay(Duration.ofMillis(10))
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.15))
        .budget(HedgeBudget.builder().hedgesPerSuccess(0.3).build()) // about 2 x L, so that it funds the target
        .build();
    try {
      System.out.println("closed loop: " + closedLoop.call(attempt -> tool.fetch("user-profile")) + " by "
          + closedLoop);
    } catch (AllAttemptsFailedException e) {
      System.out.println("closed loop: every attempt failed: " + e.failures());
    }
  }
}
