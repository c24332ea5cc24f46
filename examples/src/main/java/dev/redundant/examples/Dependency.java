package dev.redundant.examples;

import dev.redundant.Attempt;

/**
 * A scenario's simulated dependency, built fresh for each policy's run: what one attempt does, and the
 * scenario's events in time (latencies doubling, an outage starting and ending).
 */
interface Dependency {

  /**
   * Makes one attempt of a call.
   *
   * @param attempt the attempt, whose index picks a replica where there are several
   * @param callIndex the call's index in the run
   * @return the attempt's value
   * @throws Exception the attempt's failure
   */
  Object call(Attempt attempt, long callIndex) throws Exception;

  /**
   * Moves the scenario's events to a time: called by the run's scheduler, from one thread, before it
   * starts each call, with non-decreasing times.
   *
   * @param scenarioSeconds the time, in the scenario's seconds from the start of the measurement
   *     (negative during the warm-up)
   */
  default void advanceTo(double scenarioSeconds) {}

  /**
   * Returns the replica an attempt is sent to, where the dependency has replicas to count first attempts
   * by.
   *
   * @param attempt the attempt
   * @param callIndex the call's index in the run
   * @return the replica's index, or -1 for a dependency without replicas
   */
  default int replicaFor(Attempt attempt, long callIndex) {
    return -1;
  }

  /**
   * Returns where an oracle sends an attempt, for the bound a routing policy is measured against: a replica
   * that is healthy in the scenario's current phase, never one the call has tried, where the dependency
   * has replicas.
   *
   * @param attempt the attempt
   * @param callIndex the call's index in the run
   * @return the replica's index, or -1 for a dependency without replicas
   */
  default int oracleReplicaFor(Attempt attempt, long callIndex) {
    return -1;
  }

  /**
   * Returns how many replicas {@link #replicaFor} chooses among.
   *
   * @return the number, or 0 for a dependency without replicas
   */
  default int replicas() {
    return 0;
  }

  /**
   * Describes the load on the dependency, where it has a notion of one.
   *
   * @param elapsedRealSeconds how long the run lasted, in real seconds
   * @return for example {@code "backend busy 51%"}, or null
   */
  default String load(double elapsedRealSeconds) {
    return null;
  }
}
