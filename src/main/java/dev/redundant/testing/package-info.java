/**
 * Test doubles for code that calls slow or unreliable dependencies: {@link
 * dev.redundant.testing.FlakyTool}, a simulated external service with seeded, reproducible failures
 * and latencies (and a scripted mode for exact scenarios), and {@link
 * dev.redundant.testing.ManualTimeSource}, a clock that tests advance by hand so that hedge delays and
 * timeouts fire deterministically. Everything here is safe to use from many threads.
 */
package dev.redundant.testing;
