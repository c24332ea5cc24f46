/**
 * Redundant and hedged calls: run several attempts at an unreliable or slow dependency, take the first
 * success, cancel the rest, and report every failure when none succeeds.
 *
 * <p>{@code dev.redundant} holds the API ({@link dev.redundant.Redundant}, {@link dev.redundant.Hedge});
 * {@code dev.redundant.testing} holds simulated services and a manual clock for tests;
 * {@code dev.redundant.micrometer} and {@code dev.redundant.opentelemetry} bind policies to Micrometer and
 * OpenTelemetry, which are optional: they need those jars, the rest of the library does not. Every package is
 * {@code @NullMarked} (JSpecify): a type is non-null unless written {@code @Nullable}.
 */
// Micrometer and OpenTelemetry ship automatic module names (no module-info of their own)
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.redundant {
  requires org.slf4j;
  // nullness annotations, needed only to compile (not at run time)
  requires static transitive org.jspecify;
  // optional integrations: read only when the application has them (dev.redundant.micrometer,
  // dev.redundant.opentelemetry, whose signatures name their types); nothing else in the library touches them
  requires static transitive micrometer.core;
  requires static transitive io.opentelemetry.api;
  requires static transitive io.opentelemetry.context;

  exports dev.redundant;
  exports dev.redundant.micrometer;
  exports dev.redundant.opentelemetry;
  exports dev.redundant.testing;
}
