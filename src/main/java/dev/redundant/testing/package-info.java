/**
 * Test doubles for code that calls slow or unreliable dependencies: {@link
 * dev.redundant.testing.FlakyTool}, a simulated external service with seeded, reproducible failures
 * and latencies (and a scripted mode for exact scenarios), and {@link
 * dev.redundant.testing.ManualTimeSource}, a clock that tests advance by hand so that hedge delays and
 * timeouts fire deterministically. Dependencies with structure: {@link dev.redundant.testing.ReplicaSet}
 * (replicas with different {@link dev.redundant.testing.ReplicaProfile profiles}), {@link
 * dev.redundant.testing.OutageSwitch} (every call fails or hangs until restored) and {@link
 * dev.redundant.testing.QueueingBackend} (workers and queues, slower when busy); each elapses its latencies
 * on an injectable {@link dev.redundant.TimeSource}. Everything here is safe to use from many threads.
 */
package dev.redundant.testing;
