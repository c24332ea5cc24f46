package dev.redundant.examples;

import dev.redundant.Hedge;
import dev.redundant.Redundant;
import dev.redundant.testing.FlakyTool;
import java.io.IOException;
import java.time.Duration;

/**
 * A named way to call the tool: one row of the {@link Experiment}'s table.
 *
 * @param name the row's label
 * @param maxAttempts the most attempts one call starts
 * @param delaySeconds the hedge delay in the tool's seconds; 0 when all attempts start at once
 * @param call makes one call the strategy's way
 */
record Strategy(String name, int maxAttempts, double delaySeconds, Call call) {

  /** Makes one call of the tool; returns its data or throws when the call fails. */
  @FunctionalInterface
  interface Call {
    /**
     * Calls the tool.
     *
     * @param tool the tool to call
     * @param query the query
     * @return the data of the winning attempt
     * @throws IOException when a direct call fails
     * @throws InterruptedException when the calling thread is interrupted
     */
    String fetch(FlakyTool tool, String query) throws IOException, InterruptedException;
  }

  /**
   * One direct call of the tool, without the library: the baseline.
   *
   * @return the strategy
   */
  static Strategy single() {
    return new Strategy("single call", 1, 0, FlakyTool::fetch);
  }

  /**
   * {@code n} attempts at once, the first success wins: {@link Redundant#firstSuccess(int,
   * java.util.concurrent.Callable)}.
   *
   * @param name the row's label
   * @param n how many attempts
   * @return the strategy
   */
  static Strategy allAtOnce(String name, int n) {
    return new Strategy(name, n, 0, (tool, query) -> Redundant.firstSuccess(n, () -> tool.fetch(query)));
  }

  /**
   * A {@link Hedge}: one attempt, the next at once when an attempt fails or after {@code delaySeconds}
   * without a success, at most {@code maxAttempts}.
   *
   * @param maxAttempts the most attempts per call
   * @param delaySeconds the hedge delay in the tool's seconds
   * @param timeScale the tool's time scale, which the delay is scaled by as well
   * @return the strategy
   */
  static Strategy hedged(int maxAttempts, double delaySeconds, double timeScale) {
    Hedge<String> hedge = Hedge.<String>builder()
        .maxAttempts(maxAttempts)
        .delay(Duration.ofNanos(Math.round(delaySeconds * timeScale * 1e9)))
        .build();
    String name = String.format("hedged: max %d, delay %.1f s", maxAttempts, delaySeconds);
    return new Strategy(name, maxAttempts, delaySeconds, (tool, query) -> hedge.call(() -> tool.fetch(query)));
  }

  /**
   * The success rate in theory: a call fails only when all its {@code maxAttempts} attempts fail, each
   * independently. A hedged call too: each failure starts the next attempt at once.
   *
   * @param failureRate the probability that one attempt fails
   * @return {@code 1 - failureRate^maxAttempts}
   */
  double successInTheory(double failureRate) {
    return 1 - Math.pow(failureRate, maxAttempts);
  }
}
