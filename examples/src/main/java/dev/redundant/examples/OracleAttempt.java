package dev.redundant.examples;

import dev.redundant.Attempt;
import java.time.Duration;

/**
 * An attempt as the policy started it, sent to the replica an oracle chose ({@link
 * Dependency#oracleReplicaFor}): the S8 {@code oracle} row, the bound routing is measured against.
 *
 * @param attempt the attempt the policy started
 * @param replicaIndex the oracle's replica for it
 */
record OracleAttempt(Attempt attempt, int replicaIndex) implements Attempt {

  @Override
  public int index() {
    return attempt.index();
  }

  @Override
  public Trigger trigger() {
    return attempt.trigger();
  }

  @Override
  public Duration sinceCallStart() {
    return attempt.sinceCallStart();
  }
}
