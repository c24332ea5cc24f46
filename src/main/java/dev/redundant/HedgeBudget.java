package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.TokenBudget;

/**
 * A budget for hedges and failovers, funded by successful calls, so that extra attempts stay a bounded
 * share of the calls that work. A flaky but alive dependency keeps its failovers; a dead one costs about
 * one attempt per call instead of {@code maxAttempts}; a loaded one is not buried under hedges.
 *
 * <pre>{@code
 * HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0.1).build(); // share it per dependency
 * }</pre>
 *
 * <h2>How it works</h2>
 * <ul>
 * <li>Every successful call earns {@link #hedgesPerSuccess()} hedge tokens and
 *     {@link #failoversPerSuccess()} failover tokens. Each kind is kept up to {@link #burst()} tokens; a
 *     new budget starts full.</li>
 * <li>A hedge or failover about to start takes a token of its kind. If there is none, it takes one of
 *     the {@link #minPerSecond()} tokens a second that are always available (at most one second's worth
 *     saved up, and at least one token), shared by both kinds. If there is none either, the attempt does
 *     not start: the call goes on with the attempts it has, and the denial is counted in
 *     {@link HedgeStatistics#deniedByBudget()}.</li>
 * <li>A budget only stops <em>new</em> attempts. It never cancels an attempt in flight, and the first
 *     attempt of a call never needs a token.</li>
 * </ul>
 * Over any stretch of time, hedges are at most {@code hedgesPerSuccess x successes + burst} plus the
 * minimum rate's tokens, and the same for failovers.
 *
 * <h2>Settings</h2>
 * <table>
 * <caption>Budget settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th><th>meaning</th></tr>
 * <tr><td>{@link Builder#hedgesPerSuccess(double) hedgesPerSuccess}</td><td>0.1</td><td>0 to 100</td>
 *     <td>hedge tokens per successful call; about twice the adaptive delay's target extra load</td></tr>
 * <tr><td>{@link Builder#failoversPerSuccess(double) failoversPerSuccess}</td><td>1.0</td><td>0 to 100</td>
 *     <td>failover tokens per successful call: 1.0 sustains failovers up to about 50% failing attempts</td></tr>
 * <tr><td>{@link Builder#burst(int) burst}</td><td>10</td><td>1 to 1,000,000</td>
 *     <td>tokens of each kind saved up for a burst of slow or failing calls</td></tr>
 * <tr><td>{@link Builder#minPerSecond(double) minPerSecond}</td><td>1.0</td><td>0 to 1,000,000</td>
 *     <td>extra attempts a second allowed whatever the successes; 0 for none</td></tr>
 * <tr><td>{@link Builder#timeSource(TimeSource) timeSource}</td><td>{@link TimeSource#system()}</td>
 *     <td></td><td>the clock of the minimum rate</td></tr>
 * </table>
 * A setting out of bounds throws {@link IllegalArgumentException} naming it, when it is set.
 *
 * <p><b>Thread safety:</b> the settings are immutable; the token state is lock-free and thread-safe.
 * One instance may be shared by several policies that call the same dependency: they spend and earn
 * from the same tokens. Build one budget per dependency, not one per call.
 */
public final class HedgeBudget {
  static final double MAX_PER_SUCCESS = 100;
  static final int MAX_BURST = 1_000_000;
  static final double MAX_PER_SECOND = 1_000_000;

  private final double hedgesPerSuccess;
  private final double failoversPerSuccess;
  private final int burst;
  private final double minPerSecond;
  private final TimeSource timeSource;
  private final TokenBudget tokens;

  private HedgeBudget(Builder b) {
    this.hedgesPerSuccess = b.hedgesPerSuccess;
    this.failoversPerSuccess = b.failoversPerSuccess;
    this.burst = b.burst;
    this.minPerSecond = b.minPerSecond;
    this.timeSource = b.timeSource;
    this.tokens = new TokenBudget(hedgesPerSuccess, failoversPerSuccess, burst, minPerSecond, timeSource);
  }

  /**
   * Returns a builder with the default settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the hedge tokens earned per successful call.
   *
   * @return the hedge tokens earned per successful call
   */
  public double hedgesPerSuccess() {
    return hedgesPerSuccess;
  }

  /**
   * Returns the failover tokens earned per successful call.
   *
   * @return the failover tokens earned per successful call
   */
  public double failoversPerSuccess() {
    return failoversPerSuccess;
  }

  /**
   * Returns the most tokens of each kind the budget saves up.
   *
   * @return the most tokens of each kind the budget saves up
   */
  public int burst() {
    return burst;
  }

  /**
   * Returns the extra attempts per second allowed whatever the successes.
   *
   * @return the extra attempts per second allowed whatever the successes
   */
  public double minPerSecond() {
    return minPerSecond;
  }

  /**
   * Returns the clock of the minimum rate.
   *
   * @return the clock of the minimum rate
   */
  public TimeSource timeSource() {
    return timeSource;
  }

  /**
   * Returns the hedge tokens saved up now (the minimum rate's not included).
   *
   * @return tokens, between 0 and {@link #burst()}
   */
  public double hedgeTokens() {
    return tokens.hedgeTokens();
  }

  /**
   * Returns the failover tokens saved up now (the minimum rate's not included).
   *
   * @return tokens, between 0 and {@link #burst()}
   */
  public double failoverTokens() {
    return tokens.failoverTokens();
  }

  /** The live token state, for the policies that use this budget. */
  TokenBudget tokens() {
    return tokens;
  }

  @Override
  public String toString() {
    return "HedgeBudget[hedgesPerSuccess=" + hedgesPerSuccess + ", failoversPerSuccess=" + failoversPerSuccess
        + ", burst=" + burst + ", minPerSecond=" + minPerSecond + ", timeSource=" + timeSource + "]";
  }

  /**
   * Builds a {@link HedgeBudget}. Each setter checks its argument at once.
   *
   * <p><b>Thread safety:</b> not thread-safe; {@link #build()} copies the settings, so a builder may be
   * reused.
   */
  public static final class Builder {
    private double hedgesPerSuccess = 0.1;
    private double failoversPerSuccess = 1.0;
    private int burst = 10;
    private double minPerSecond = 1.0;
    private TimeSource timeSource = TimeSource.system();

    private Builder() {}

    /**
     * Sets the hedge tokens earned per successful call.
     *
     * @param tokens 0 to 100; default 0.1. 0 allows hedges only from the burst and the minimum rate
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder hedgesPerSuccess(double tokens) {
      this.hedgesPerSuccess = checkPerSuccess("hedgesPerSuccess", tokens);
      return this;
    }

    /**
     * Sets the failover tokens earned per successful call.
     *
     * @param tokens 0 to 100; default 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder failoversPerSuccess(double tokens) {
      this.failoversPerSuccess = checkPerSuccess("failoversPerSuccess", tokens);
      return this;
    }

    private static double checkPerSuccess(String name, double tokens) {
      requireArgument(tokens >= 0 && tokens <= MAX_PER_SUCCESS, "%s must be between 0 and %s, was %s", name,
          MAX_PER_SUCCESS, tokens);
      return tokens;
    }

    /**
     * Sets how many tokens of each kind the budget saves up, and starts with.
     *
     * @param tokens 1 to 1,000,000; default 10
     * @return this builder
     * @throws IllegalArgumentException if out of bounds
     */
    public Builder burst(int tokens) {
      requireArgument(tokens >= 1 && tokens <= MAX_BURST, "burst must be between 1 and %s, was %s", MAX_BURST,
          tokens);
      this.burst = tokens;
      return this;
    }

    /**
     * Sets the extra attempts per second allowed whatever the successes.
     *
     * @param attempts 0 to 1,000,000; default 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder minPerSecond(double attempts) {
      requireArgument(attempts >= 0 && attempts <= MAX_PER_SECOND,
          "minPerSecond must be between 0 and %s, was %s", MAX_PER_SECOND, attempts);
      this.minPerSecond = attempts;
      return this;
    }

    /**
     * Sets the clock of the minimum rate; tests pass a {@link dev.redundant.testing.ManualTimeSource}.
     *
     * @param time the clock; default {@link TimeSource#system()}
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     */
    public Builder timeSource(TimeSource time) {
      this.timeSource = requireNonNull(time, "timeSource");
      return this;
    }

    /**
     * Builds a budget, full, with this builder's settings.
     *
     * @return a new budget with token state of its own
     */
    public HedgeBudget build() {
      return new HedgeBudget(this);
    }
  }
}
