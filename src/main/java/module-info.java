/**
 * Redundant and hedged calls: run several attempts at an unreliable or slow dependency, take the first
 * success, cancel the rest, and report every failure when none succeeds.
 *
 * <p>{@code dev.redundant} holds the API ({@link dev.redundant.Redundant}, {@link dev.redundant.Hedge});
 * {@code dev.redundant.testing} holds simulated services and a manual clock for tests. Every package is
 * {@code @NullMarked} (JSpecify): a type is non-null unless written {@code @Nullable}.
 */
module dev.redundant {
  requires org.slf4j;
  // nullness annotations, needed only to compile (not at run time)
  requires static transitive org.jspecify;

  exports dev.redundant;
  exports dev.redundant.testing;
}
