/**
 * The closed loop of a policy: what its calls learn from and spend. {@link
 * dev.redundant.internal.loop.ClosedLoop} is the entry, built once per policy by {@code ClosedLoop.of}, and
 * sees a call only through {@link dev.redundant.internal.loop.LoopCall}; nothing here names the race's own
 * types.
 * <ul>
 * <li>The hedge delay: {@link dev.redundant.internal.loop.HedgeDelay}, the seam; {@link
 *     dev.redundant.internal.loop.FixedDelay}; {@link dev.redundant.internal.loop.LearntDelay} on a {@link
 *     dev.redundant.internal.loop.DelayEstimator}, which keeps a {@link
 *     dev.redundant.internal.loop.WindowHistogram} of first attempts in {@link
 *     dev.redundant.internal.loop.LogLinearBuckets}.</li>
 * <li>The budget: {@link dev.redundant.internal.loop.TokenBudget}, two {@link
 *     dev.redundant.internal.loop.TokenPool}s and a {@link dev.redundant.internal.loop.RateFloor}.</li>
 * <li>The statistics' counts: {@link dev.redundant.internal.loop.HedgeCounters}.</li>
 * </ul>
 * Not an API; not exported by the module. Types here are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.redundant.internal.loop;

import org.jspecify.annotations.NullMarked;
