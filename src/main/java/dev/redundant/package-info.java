/**
 * Redundant and hedged calls: run several attempts at an unreliable or slow dependency, take the first
 * success, cancel the rest by interrupting them, and report every failure when none succeeds.
 *
 * <p>Entry points: {@link dev.redundant.Redundant#firstSuccess(int, java.util.concurrent.Callable)} races
 * {@code n} copies at once; {@link dev.redundant.Hedge#builder()} builds an immutable, thread-safe hedging
 * policy (how many attempts, the hedge delay, timeouts, which failures are fatal, which values are
 * rejected) whose {@link dev.redundant.Hedge#call(dev.redundant.AttemptTask) call} and
 * {@link dev.redundant.Hedge#callAsync(dev.redundant.AttemptTask) callAsync} run one call. A task may take
 * the {@link dev.redundant.Attempt} it runs as, to pick a replica by index or tag hedges.
 *
 * <p><b>Threads and cancellation:</b> every attempt runs on a virtual thread of its own unless the policy
 * names an executor. As soon as a call is decided, every attempt still running is interrupted; a caller
 * interrupted while waiting gets {@link java.lang.InterruptedException} and every attempt is interrupted.
 * When every attempt fails, {@link dev.redundant.AllAttemptsFailedException} holds each failure. Nothing
 * needs shutting down: a call owns no pool and no timer.
 *
 * <p>{@link dev.redundant.HedgeListener} receives a policy's events (for metrics and tracing);
 * {@link dev.redundant.TimeSource} is the clock delays and timeouts read. The package
 * {@code dev.redundant.testing} holds a simulated flaky service and a manual clock for tests.
 */
@NullMarked
package dev.redundant;

import org.jspecify.annotations.NullMarked;
