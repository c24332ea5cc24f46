package dev.redundant.examples;

import java.util.Arrays;

/**
 * One row of a scenario's results: one policy, over one phase. Latencies are in the scenario's own time
 * converted to milliseconds (measured time / time scale), failed calls included at their failure or
 * timeout; they are kept whole so that a chart writer can plot them.
 *
 * @param scenario the scenario's id, for example {@code "S2"}
 * @param policy {@code none}, {@code notebook}, {@code fixed}, {@code adaptive} or
 *     {@code adaptive-no-deadline}
 * @param phase the phase the row covers
 * @param delayMs the hedge delay of a {@code fixed} row in the scenario's milliseconds, null otherwise
 * @param calls the calls started in the phase
 * @param success the fraction of those calls that succeeded; NaN without calls
 * @param latenciesMs every call's latency, sorted
 * @param attemptsPerCall attempts started in the phase per call started in it
 * @param hedgesPerCall hedges started in the phase per call
 * @param failoversPerCall failovers started in the phase per call
 * @param primaryShare the share of the phase's first attempts each replica received, by replica index
 *     (S8); empty for a scenario without replicas
 */
record StrategyResult(String scenario, String policy, Phase phase, Double delayMs, int calls, double success,
    double[] latenciesMs, double attemptsPerCall, double hedgesPerCall, double failoversPerCall,
    double[] primaryShare) {

  /** Sorts a copy of the latencies. */
  StrategyResult {
    latenciesMs = latenciesMs.clone();
    Arrays.sort(latenciesMs);
    primaryShare = primaryShare.clone();
  }

  /** A row of a scenario without replicas. */
  StrategyResult(String scenario, String policy, Phase phase, Double delayMs, int calls, double success,
      double[] latenciesMs, double attemptsPerCall, double hedgesPerCall, double failoversPerCall) {
    this(scenario, policy, phase, delayMs, calls, success, latenciesMs, attemptsPerCall, hedgesPerCall,
        failoversPerCall, new double[0]);
  }

  @Override
  public double[] primaryShare() {
    return primaryShare.clone();
  }

  /**
   * Returns the nearest-rank percentile of the latencies.
   *
   * @param p a percentage in (0, 100]
   * @return the percentile in milliseconds, or NaN without calls
   */
  double percentileMs(double p) {
    return latenciesMs.length == 0 ? Double.NaN : latenciesMs[LatencyStats.nearestRankIndex(p, latenciesMs.length)];
  }

  @Override
  public double[] latenciesMs() {
    return latenciesMs.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StrategyResult r && scenario.equals(r.scenario) && policy.equals(r.policy)
        && phase == r.phase && java.util.Objects.equals(delayMs, r.delayMs) && calls == r.calls
        && Double.compare(success, r.success) == 0 && Arrays.equals(latenciesMs, r.latenciesMs)
        && Double.compare(attemptsPerCall, r.attemptsPerCall) == 0
        && Double.compare(hedgesPerCall, r.hedgesPerCall) == 0
        && Double.compare(failoversPerCall, r.failoversPerCall) == 0 && Arrays.equals(primaryShare, r.primaryShare);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(scenario, policy, phase, delayMs, calls, Arrays.hashCode(latenciesMs));
  }

  @Override
  public String toString() {
    return scenario + " " + policy + (delayMs == null ? "" : " " + delayMs + " ms") + " " + phase.label()
        + ": " + calls + " calls";
  }
}
