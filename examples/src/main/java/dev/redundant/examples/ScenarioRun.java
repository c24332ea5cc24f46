package dev.redundant.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One policy's run of a scenario, open-loop ({@link OpenLoopRun}) or closed-loop ({@link ClosedLoopRun}):
 * the policies of a scenario run at the same time, each with a dependency of its own, and the
 * measurement's time 0 is shared so that their phases line up.
 */
interface ScenarioRun {

  /**
   * Starts the calls, on threads of the run's own.
   *
   * @param originNanos the {@link System#nanoTime()} reading of the measurement's time 0
   */
  void start(long originNanos);

  /**
   * Waits for every call to end.
   *
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if calls are still running after the drain time, or one failed in a way
   *     the policy does not explain (a bug)
   */
  void await() throws InterruptedException;

  /**
   * Returns the run's rows: {@link Phase#ALL}, then one per phase of the timeline.
   *
   * @return the rows
   */
  List<StrategyResult> results();

  /**
   * Returns the timing check's samples, in real nanoseconds: how late the load this machine is under made
   * the run's threads (see {@link #lagText()}).
   *
   * @return the lags, unsorted
   */
  long[] startLagNanos();

  /**
   * Says what {@link #startLagNanos()} measures, for the report.
   *
   * @return for example {@code "calls started late by"}
   */
  String lagText();

  /**
   * Describes the dependency's load or the run's throughput, where there is something to say.
   *
   * @return a description, or null
   */
  String load();

  /**
   * Returns the policy the run calls.
   *
   * @return the policy
   */
  ScenarioPolicy policy();

  /**
   * Builds the rows of a run from its measured calls: {@link Phase#ALL}, then one per phase of the
   * timeline, each call in the phase in which it started, as {@link PhaseCounter} counts its attempts.
   *
   * @param scenario the scenario
   * @param policy the policy
   * @param timeline the phases
   * @param counter the run's attempt counts
   * @param calls how many calls the arrays hold
   * @param startSeconds each call's start, in the measurement's scenario seconds
   * @param latencyNanos each call's latency, in real nanoseconds
   * @param succeeded whether each call succeeded
   * @param primaryReplica the replica of each call's first attempt (-1: unknown), or null
   * @param replicas how many replicas there are to share first attempts, 0 for none
   * @return the rows
   */
  static List<StrategyResult> rows(Scenario scenario, ScenarioPolicy policy, Timeline timeline, PhaseCounter counter,
      int calls, double[] startSeconds, long[] latencyNanos, boolean[] succeeded, int[] primaryReplica,
      int replicas) {
    List<StrategyResult> rows = new ArrayList<>();
    for (Phase phase : timeline.reported()) {
      double[] latencies = new double[calls];
      long[] primaries = new long[replicas];
      int inPhase = 0;
      int successes = 0;
      long routed = 0;
      for (int i = 0; i < calls; i++) {
        double t = startSeconds[i];
        if (timeline.measures(t) && (phase == Phase.ALL || timeline.phaseAt(t) == phase)) {
          latencies[inPhase++] = latencyNanos[i] / 1e6 / scenario.timeScale();
          successes += succeeded[i] ? 1 : 0;
          if (primaryReplica != null && primaryReplica[i] >= 0 && primaryReplica[i] < replicas) {
            primaries[primaryReplica[i]]++;
            routed++;
          }
        }
      }
      double[] share = new double[replicas];
      for (int r = 0; r < replicas; r++) {
        share[r] = routed == 0 ? Double.NaN : (double) primaries[r] / routed;
      }
      rows.add(new StrategyResult(scenario.id(), policy.policy(), phase, policy.delayMs(), inPhase,
          inPhase == 0 ? Double.NaN : (double) successes / inPhase, Arrays.copyOf(latencies, inPhase),
          perCall(counter.attempts(phase), inPhase), perCall(counter.hedges(phase), inPhase),
          perCall(counter.failovers(phase), inPhase), share));
    }
    return rows;
  }

  private static double perCall(long count, int calls) {
    return calls == 0 ? Double.NaN : (double) count / calls;
  }

  /**
   * Joins the parts of a report line that are there.
   *
   * @param first a part, or null
   * @param second a part, or null
   * @return the non-null parts, joined by "; ", or null
   */
  static String joined(String first, String second) {
    return first == null ? second : second == null ? first : first + "; " + second;
  }
}
