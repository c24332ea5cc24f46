/**
 * The engine behind {@code dev.redundant}: not an API, not exported by the module, and free to change in
 * any release. Types here are non-null unless annotated {@code @Nullable} (JSpecify).
 *
 * <h2>Overview</h2>
 * A policy ({@code Hedge}) holds a {@link dev.redundant.internal.PolicyRuntime}, its runtime: the settings,
 * and one instance each of the per-policy helpers. A call is one {@link dev.redundant.internal.Race} and
 * its {@link dev.redundant.internal.AttemptRun}s; an asynchronous call adds its
 * {@link dev.redundant.internal.RaceFuture} (which also owns the call's clock watcher), a policy with a
 * listener a {@link dev.redundant.internal.CallEvents}. The race launches attempts,
 * takes their outcomes and decides the call with one compare-and-set; everything else is delegated:
 * <ul>
 * <li>{@link dev.redundant.internal.CallClock} fires hedges and timeouts ({@link
 *     dev.redundant.internal.WatcherTimer}, the one shared timer, starts an asynchronous call's watcher when
 *     its first event is due, on the system clock), seeing a call only through
 *     {@link dev.redundant.internal.ClockedCall}. Start here to change how time is watched.</li>
 * <li>{@link dev.redundant.internal.loop.ClosedLoop} (package {@code internal.loop}) is asked before each
 *     hedge or failover ({@code mayLaunch}: deadline, then budget), gives the hedge delay (its
 *     {@link dev.redundant.internal.loop.HedgeDelay}: fixed or learnt), and is told how attempts and calls
 *     end (the delay learns from attempt 0, the statistics count, a success funds the budget), always
 *     before the call's outcome is handed out. It sees a call only through
 *     {@link dev.redundant.internal.loop.LoopCall}, which {@code Race} implements. Start there to change
 *     what the policy learns or spends.</li>
 * <li>{@link dev.redundant.internal.ReplicaRouter} (policies that route over {@code Replicas}) chooses each
 *     attempt's replica when it is published, never one the call tried unless all were, and learns from
 *     each attempt's one end (its state CAS, {@code finish} or {@code cancel}). Start here to change
 *     routing.</li>
 * <li>{@link dev.redundant.internal.Decision} encodes what a call's {@code result} holds and builds what
 *     the caller gets from it (the value, a {@code HedgeResult}, an exception with every report). Start
 *     here to change what a caller sees.</li>
 * <li>{@link dev.redundant.internal.EventRelay} (only with a listener) tells the listener;
 *     {@link dev.redundant.internal.CallEvents}, one per call, holds {@code onCallFinished} back until
 *     every other event of the call was sent.</li>
 * <li>{@link dev.redundant.internal.AttemptRun} runs one attempt: the task, then its classification,
 *     with the caller's MDC; {@link dev.redundant.internal.SpinAdvisor} decides whether a caller spins
 *     before it parks.</li>
 * </ul>
 *
 * <h2>Threads and what each may do</h2>
 * <ul>
 * <li><b>The caller</b> (synchronous) or the <b>clock watcher</b> (one virtual thread per asynchronous
 *     call with delays or timeouts, started once its first event is due): starts the first attempts, then waits; when it wakes it fires what is
 *     due: the call timeout, attempt timeouts (then a failover), hedges. An interrupted caller aborts.</li>
 * <li><b>Attempt threads</b>: run the task, classify the outcome while still active (so a blocking
 *     predicate is interrupted like the task), then finish; a failure starts a failover or ends the call,
 *     a value tries to decide it.</li>
 * <li><b>The holder of the future</b>: cancelling or completing it aborts the call.</li>
 * </ul>
 *
 * <h2>Rules every part keeps</h2>
 * <ul>
 * <li>Losers are interrupted <em>before</em> the outcome is delivered, and the call's bookkeeping is done
 *     before it too: a caller, and a dependent stage of an asynchronous call's future, find the losers
 *     interrupted and the statistics exact.</li>
 * <li>Clock readings are compared only as differences: any origin works, wraps included.</li>
 * <li>User code (tasks, predicates, listeners, {@code close()}/{@code onDiscard}, every time source, the
 *     executor) never breaks the bookkeeping: its exceptions are caught where it is called; a time source
 *     that throws ends the call and every attempt is interrupted.</li>
 * <li>Nothing blocks inside {@code synchronized}.</li>
 * </ul>
 */
@NullMarked
package dev.redundant.internal;

import org.jspecify.annotations.NullMarked;
