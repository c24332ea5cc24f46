package dev.redundant;

import java.time.Duration;

/**
 * One attempt of a call, as its task sees it: which attempt it is, why it started, and how long the call
 * has been running. Tasks use it to find the replica the library chose for the attempt
 * ({@link Replicas#get(Attempt)}) and to tag hedges so that servers can give them a lower priority.
 *
 * <p>Instances are created by the library, one per attempt; tests may implement this interface to call a
 * task directly.
 *
 * <p><b>Thread safety:</b> every method may be called from any thread, at any time, also after the
 * attempt has ended.
 */
public interface Attempt {
  /** What {@link #replicaIndex()} returns for an attempt of a policy that does not route over replicas. */
  int NOT_ROUTED = -1;

  /**
   * Returns this attempt's position in the call: 0 for the first attempt, then 1, 2, ... in the order the
   * attempts started, below {@link HedgeBuilder#maxAttempts(int) maxAttempts}.
   *
   * @return the 0-based index of this attempt
   */
  int index();

  /**
   * Returns why this attempt started.
   *
   * @return {@link Trigger#FIRST} for attempt 0, otherwise {@link Trigger#HEDGE} or
   *     {@link Trigger#FAILOVER}
   */
  Trigger trigger();

  /**
   * Returns whether this attempt is a hedge: it started while earlier attempts were still running,
   * because none had succeeded within its delay (or its delay was zero). An attempt started because an
   * earlier one failed is not a hedge.
   *
   * @return {@code trigger() == Trigger.HEDGE}
   */
  default boolean isHedge() {
    return trigger() == Trigger.HEDGE;
  }

  /**
   * Returns the time elapsed since the call started, read now from the policy's {@link TimeSource}.
   *
   * @return a non-negative duration
   */
  Duration sinceCallStart();

  /**
   * Returns the index of the replica the library chose for this attempt, when the policy routes over
   * {@linkplain HedgeBuilder#replicas(Replicas) replicas}: {@link Replicas#get(Attempt)} gives the replica.
   *
   * @return 0 to {@code replicas.size() - 1}, or {@link #NOT_ROUTED} for a policy that does not route (the
   *     default, also for implementations of this interface in tests)
   */
  default int replicaIndex() {
    return NOT_ROUTED;
  }

  /** Why an attempt started. */
  enum Trigger {
    /** The first attempt of a call. */
    FIRST,
    /** Started because no attempt had succeeded within the hedge delay (immediately, for a zero delay). */
    HEDGE,
    /** Started at once because an earlier attempt failed. */
    FAILOVER
  }
}
