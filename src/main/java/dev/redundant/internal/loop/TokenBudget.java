package dev.redundant.internal.loop;

import dev.redundant.TimeSource;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live state of a hedge budget: hedge tokens and failover tokens earned by successful calls, a
 * reserve that grows with the calls in flight, and a minimum rate shared by both kinds.
 *
 * <p>Each kind is a {@link TokenPool} that may owe up to {@code burst + perSuccess x callsInFlight}
 * tokens: the fixed burst, plus an advance on every call in flight of the deposit its success will make.
 * An extra attempt takes a token of its kind when the pool holds one, else one from the minimum rate;
 * with neither, it is denied. Successes pay the pools back. Callers ask only before starting a
 * <em>new</em> attempt: nothing here can stop an attempt in flight.
 *
 * <p>Calls in flight are counted by {@link #callStarted()} and {@link #callEnded(boolean)}, which every
 * call of every policy sharing the budget makes once each, in that order.
 *
 * <p><b>Thread safety:</b> lock-free; one instance may serve several policies at once. The calls in
 * flight are a {@link LongAdder} (an increment and a decrement per call, striped under contention),
 * summed only when an extra attempt asks for a token.
 */
public final class TokenBudget {
  /** The largest advance on calls in flight, in billionths of a token: far beyond any real concurrency. */
  private static final long MAX_ADVANCE = Long.MAX_VALUE / 4;

  private final long hedgeDeposit;
  private final long failoverDeposit;
  private final long burst;
  private final TokenPool hedges = new TokenPool();
  private final TokenPool failovers = new TokenPool();
  private final RateFloor floor;
  private final LongAdder inFlight = new LongAdder();

  /**
   * Creates a budget with full pools; the arguments are validated by {@code HedgeBudget}.
   *
   * @param hedgesPerSuccess hedge tokens earned per successful call, and advanced per call in flight
   * @param failoversPerSuccess failover tokens earned per successful call, and advanced per call in flight
   * @param burst the fixed part of each pool's reserve, in tokens
   * @param minPerSecond extra attempts per second allowed whatever the successes
   * @param time the clock of the minimum rate
   */
  public TokenBudget(double hedgesPerSuccess, double failoversPerSuccess, int burst, double minPerSecond,
      TimeSource time) {
    this.hedgeDeposit = units(hedgesPerSuccess);
    this.failoverDeposit = units(failoversPerSuccess);
    this.burst = burst * TokenPool.SCALE;
    this.floor = new RateFloor(minPerSecond, time);
  }

  /** Tokens in billionths of a token, rounded to the nearest. */
  static long units(double tokens) {
    return Math.round(tokens * TokenPool.SCALE);
  }

  /** A call of a policy using this budget started (before its first attempt). */
  public void callStarted() {
    inFlight.increment();
  }

  /**
   * A call counted by {@link #callStarted()} ended; a success pays its share back.
   *
   * @param succeeded whether the call ended with a value
   */
  public void callEnded(boolean succeeded) {
    inFlight.decrement();
    if (succeeded) {
      onSuccess();
    }
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
    return hedges.tryTake(capacity(hedgeDeposit)) || floor.tryTake();
  }

  /**
   * Asks for a failover.
   *
   * @return whether the failover may start; a token was spent if so
   */
  public boolean tryFailover() {
    return failovers.tryTake(capacity(failoverDeposit)) || floor.tryTake();
  }

  /**
   * Returns the calls in flight now, as counted by {@link #callStarted()} and {@link #callEnded(boolean)}.
   *
   * @return the calls in flight, at least 0
   */
  public long callsInFlight() {
    return Math.max(0, inFlight.sum());
  }

  /** The most a pool may owe now: the burst and the advance on the calls in flight, saturated. */
  private long capacity(long deposit) {
    long calls = callsInFlight();
    long advance = deposit == 0 ? 0 : calls > MAX_ADVANCE / deposit ? MAX_ADVANCE : calls * deposit;
    return burst + advance;
  }

  /**
   * Returns the hedge tokens available now (the minimum rate's not included).
   *
   * @return the hedge tokens available now, in tokens
   */
  public double hedgeTokens() {
    return (double) hedges.balance(capacity(hedgeDeposit)) / TokenPool.SCALE;
  }

  /**
   * Returns the failover tokens available now (the minimum rate's not included).
   *
   * @return the failover tokens available now, in tokens
   */
  public double failoverTokens() {
    return (double) failovers.balance(capacity(failoverDeposit)) / TokenPool.SCALE;
  }
}
