/**
 * A test kit for code that makes hedged or redundant calls, on one clock that the test steps:
 * {@link dev.redundant.testing.ManualTimeSource}, a clock that moves only when the test advances it and
 * that tells the test what the code under test waits for; {@link dev.redundant.testing.FakeDependency},
 * a fake of the user's dependency that returns the user's type and throws the user's exceptions, per
 * call from a script of {@link dev.redundant.testing.Reply replies} or at seeded rates, with latencies on
 * that clock and a {@link dev.redundant.testing.CallRecord record} of every call; and {@link
 * dev.redundant.testing.FlakyTool}, the simulated unreliable service of the experiment. Everything here is
 * safe to use from many threads, and nothing needs shutting down.
 */
package dev.redundant.testing;
