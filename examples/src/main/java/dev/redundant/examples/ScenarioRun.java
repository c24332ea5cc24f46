package dev.redundant.examples;

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
}
