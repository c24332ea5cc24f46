package dev.redundant.internal;

import dev.redundant.TimeSource;

/**
 * The live state of a hedge budget: hedge tokens and failover tokens earned by successful calls, and a
 * minimum rate shared by both. An extra attempt takes a token of its kind when one is there, else one
 * from the minimum rate; with neither, it is denied. Callers ask only before starting a <em>new</em>
 * attempt: nothing here can stop an attempt in flight.
 *
 * <p><b>Thread safety:</b> lock-free; one instance may serve several policies at once.
 */
public final class TokenBudget {
  private final long hedgeDeposit;
  private final long failoverDeposit;
  private final TokenPool hedges;
  private final TokenPool failovers;
  private final RateFloor floor;

  /**
   * Creates a budget with full pools; the arguments are validated by {@code HedgeBudget}.
   *
   * @param hedgesPerSuccess hedge tokens earned per successful call
   * @param failoversPerSuccess failover tokens earned per successful call
   * @param burst the cap of each pool, in tokens
   * @param minPerSecond extra attempts per second allowed whatever the successes
   * @param time the clock of the minimum rate
   */
  public TokenBudget(double hedgesPerSuccess, double failoversPerSuccess, int burst, double minPerSecond,
      TimeSource time) {
    this.hedgeDeposit = Math.round(hedgesPerSuccess * TokenPool.SCALE);
    this.failoverDeposit = Math.round(failoversPerSuccess * TokenPool.SCALE);
    this.hedges = new TokenPool(burst * TokenPool.SCALE);
    this.failovers = new TokenPool(burst * TokenPool.SCALE);
    this.floor = new RateFloor(minPerSecond, time);
  }

  /** Credits one successful call: its share of hedge and failover tokens. */
  public void onSuccess() {
    hedges.deposit(hedgeDeposit);
    failovers.deposit(failoverDeposit);
  }

  /**
   * Asks for a hedge.
   *
   * @return whether the hedge may start; a token was spent if so
   */
  public boolean tryHedge() {
    return hedges.tryTake() || floor.tryTake();
  }

  /**
   * Asks for a failover.
   *
   * @return whether the failover may start; a token was spent if so
   */
  public boolean tryFailover() {
    return failovers.tryTake() || floor.tryTake();
  }

  /**
   * Returns the hedge tokens earned and not spent, in tokens.
   *
   * @return the hedge tokens earned and not spent, in tokens
   */
  public double hedgeTokens() {
    return (double) hedges.balance() / TokenPool.SCALE;
  }

  /**
   * Returns the failover tokens earned and not spent, in tokens.
   *
   * @return the failover tokens earned and not spent, in tokens
   */
  public double failoverTokens() {
    return (double) failovers.balance() / TokenPool.SCALE;
  }
}
