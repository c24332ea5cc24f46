package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.loop.TokenBudget;

/**
 * A budget for hedges and failovers, funded by successful calls, so that extra attempts stay a bounded
 * share of the calls that work. A flaky but alive dependency keeps its failovers, from its first burst of
 * concurrent calls on; a dead one costs about one attempt per call instead of {@code maxAttempts}; a
 * loaded one is not buried under hedges.
 *
 * <pre>{@code
 * HedgeBudget budget = HedgeBudget.builder().build(); // share it per dependency
 * }</pre>
 *
 * <h2>How it works</h2>
 * <ul>
 * <li>Every successful call earns {@link #hedgesPerSuccess()} hedge tokens and
 *     {@link #failoversPerSuccess()} failover tokens.</li>
 * <li>The <em>reserve</em> of each kind, the most tokens it holds at once, grows with traffic:
 *     {@link #burst()} plus, for every call in flight (started and not yet ended, in every policy
 *     using this budget), the tokens its success will earn: {@code burst + hedgesPerSuccess x callsInFlight}
 *     hedge tokens and {@code burst + failoversPerSuccess x callsInFlight} failover tokens. A new budget
 *     starts full. Tokens taken are owed until successes earn them back: when the calls in flight end
 *     without success, the reserve they brought stays spent.</li>
 * <li>A hedge or failover about to start takes a token of its kind. If there is none, it takes one of
 *     the {@link #minPerSecond()} tokens a second that are always available (at most one second's worth
 *     saved up, and at least one token), shared by both kinds. If there is none either, the attempt does
 *     not start: the call goes on with the attempts it has, and the denial is counted in
 *     {@link HedgeStatistics#deniedByBudget()}.</li>
 * <li>A budget only stops <em>new</em> attempts. It never cancels an attempt in flight, and the first
 *     attempt of a call never needs a token.</li>
 * </ul>
 * Over any stretch of time, hedges are at most
 * {@code hedgesPerSuccess x (successes + the most calls in flight at once) + burst} plus the minimum
 * rate's tokens, and the same for failovers.
 *
 * <h2>Why the reserve follows the calls in flight</h2>
 * Demand for extra attempts comes from the calls in flight: a wave of slow answers, or the first burst of
 * concurrent calls to a dependency that fails some of them, asks for hedges or failovers from all of
 * them at once, before any success has earned a token. A reserve of a fixed number of tokens is a
 * different amount of traffic at every load (10 tokens are one millisecond at 10,000 calls a second), so
 * a few hundred concurrent callers exhaust it in one wave, and a denied hedge ends its call's hedging.
 * Advancing each call in flight the deposit its own success will make covers such a wave: a dependency
 * failing a share {@code p} of attempts needs {@code p / (1 - p)} failovers per call, which is what
 * {@code failoversPerSuccess} must sustain in a steady state anyway. Where calls are few, as in an outage
 * whose attempts fail at once, the reserve stays near {@code burst}, so a dead dependency still costs
 * about one attempt per call. A reserve that is a share of the last seconds of requests (Finagle's
 * {@code RetryBudget}: deposits live 10 s) grows with the call <em>rate</em> instead: at 200 calls a
 * second and one failover token per success it holds about 2,000 tokens, all spent on a dependency that
 * has just gone down. A reserve of a share of the active requests with a floor is Envoy's retry budget;
 * here it is funded by successes, and it is a reserve of tokens, not a limit on concurrent retries,
 * which fast failures would pass through many times a second.
 *
 * <h2>Settings</h2>
 * <table>
 * <caption>Budget settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th><th>meaning</th></tr>
 * <tr><td>{@link Builder#hedgesPerSuccess(double) hedgesPerSuccess}</td><td>0.1</td><td>0, or 0.000001 to
 *     100</td><td>hedge tokens per successful call, and per call in flight in the reserve; about twice
 *     the adaptive delay's target extra load</td></tr>
 * <tr><td>{@link Builder#failoversPerSuccess(double) failoversPerSuccess}</td><td>1.0</td><td>0, or
 *     0.000001 to 100</td><td>failover tokens per successful call, and per call in flight in the
 *     reserve: 1.0 sustains failovers up to about 50% failing attempts</td></tr>
 * <tr><td>{@link Builder#burst(int) burst}</td><td>10</td><td>1 to 1,000,000</td>
 *     <td>the fixed part of each reserve, for the few calls of a low concurrency</td></tr>
 * <tr><td>{@link Builder#minPerSecond(double) minPerSecond}</td><td>1.0</td><td>0 to 1,000,000</td>
 *     <td>extra attempts a second allowed whatever the successes; 0 for none</td></tr>
 * <tr><td>{@link Builder#timeSource(TimeSource) timeSource}</td><td>{@link TimeSource#system()}</td>
 *     <td></td><td>the clock of the minimum rate</td></tr>
 * </table>
 * A setting out of bounds throws {@link IllegalArgumentException} naming it, when it is set. Tokens are
 * kept in billionths of a token: a per-success share is earned to within 0.05% of what is set (exactly
 * for shares that are whole billionths, as 0.1 is); a share below a millionth of a token, which could
 * not be kept that closely, is refused.
 *
 * <p><b>Thread safety:</b> the settings are immutable; the token state is lock-free and thread-safe.
 * One instance may be shared by several policies that call the same dependency: they spend and earn
 * from the same tokens, and the calls in flight of all of them make the reserve. Build one budget per
 * dependency, not one per call.
 */
public final class HedgeBudget {
  static final double MAX_PER_SUCCESS = 100;
  /** The smallest positive per-success share: kept to within 0.05% in billionths of a token. */
  static final double MIN_PER_SUCCESS = 1e-6;
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
   * Returns the fixed part of each reserve: the most tokens of each kind the budget holds with no call
   * in flight.
   *
   * @return the fixed part of each reserve
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
   * Returns the hedge tokens available now (the minimum rate's not included): the reserve at the calls
   * in flight now, less the tokens taken and not yet earned back.
   *
   * @return tokens, between 0 and {@code burst() + hedgesPerSuccess() x callsInFlight()}
   */
  public double hedgeTokens() {
    return tokens.hedgeTokens();
  }

  /**
   * Returns the failover tokens available now (the minimum rate's not included): the reserve at the
   * calls in flight now, less the tokens taken and not yet earned back.
   *
   * @return tokens, between 0 and {@code burst() + failoversPerSuccess() x callsInFlight()}
   */
  public double failoverTokens() {
    return tokens.failoverTokens();
  }

  /**
   * Returns the calls in flight now in the policies that use this budget: started and not yet ended.
   *
   * @return the calls in flight, at least 0
   */
  public long callsInFlight() {
    return tokens.callsInFlight();
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
     * Sets the hedge tokens earned per successful call, which is also what each call in flight adds to
     * the hedge reserve.
     *
     * @param tokens 0, or 0.000001 to 100; default 0.1. 0 allows hedges only from the burst and the
     *     minimum rate
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder hedgesPerSuccess(double tokens) {
      this.hedgesPerSuccess = checkPerSuccess("hedgesPerSuccess", tokens);
      return this;
    }

    /**
     * Sets the failover tokens earned per successful call, which is also what each call in flight adds
     * to the failover reserve.
     *
     * @param tokens 0, or 0.000001 to 100; default 1.0
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder failoversPerSuccess(double tokens) {
      this.failoversPerSuccess = checkPerSuccess("failoversPerSuccess", tokens);
      return this;
    }

    private static double checkPerSuccess(String name, double tokens) {
      requireArgument(tokens == 0 || (tokens >= MIN_PER_SUCCESS && tokens <= MAX_PER_SUCCESS),
          "%s must be 0 or between %s and %s, was %s", name, MIN_PER_SUCCESS, MAX_PER_SUCCESS, tokens);
      return tokens;
    }

    /**
     * Sets the fixed part of each reserve: the tokens of each kind the budget holds, and starts with,
     * when no call is in flight.
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
