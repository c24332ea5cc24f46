/**
 * Redundant and hedged calls: run several attempts at an unreliable or slow dependency, take the first
 * success, cancel the rest, and report every failure when none succeeds.
 *
 * <p>{@code dev.redundant} holds the API ({@link dev.redundant.Redundant}, {@link dev.redundant.Hedge});
 * {@code dev.redundant.testing} holds simulated services and a manual clock for tests.
 */
module dev.redundant {
  requires org.slf4j;

  exports dev.redundant;
  exports dev.redundant.testing;
}
