/**
 * A test kit for code that makes hedged or redundant calls, on one clock that the test steps:
 * {@link dev.redundant.testing.ManualTimeSource}, a clock that moves only when the test advances it and
 * that tells the test what the code under test waits for; {@link dev.redundant.testing.FakeDependency},
 * a fake of the user's dependency that returns the user's type and throws the user's exceptions, per
 * call from a script of {@link dev.redundant.testing.Reply replies} or at seeded rates, blocking ({@code
 * call()}) or as a future the clock completes ({@code stage()}, for {@code Hedge.callStage}), with latencies on
 * that clock and a {@link dev.redundant.testing.CallRecord record} of every call; and {@link
 * dev.redundant.testing.FlakyTool}, the simulated unreliable service of the experiment. Dependencies with
 * structure: {@link dev.redundant.testing.ReplicaSet} (replicas with different {@link
 * dev.redundant.testing.ReplicaProfile profiles}), {@link dev.redundant.testing.OutageSwitch} (every call
 * fails or hangs until restored) and {@link dev.redundant.testing.QueueingBackend} (workers and queues,
 * slower when busy); each elapses its latencies on an injectable {@link dev.redundant.TimeSource}.
 * Everything here is safe to use from many threads, and nothing needs shutting down.
 */
@NullMarked
package dev.redundant.testing;

import org.jspecify.annotations.NullMarked;
