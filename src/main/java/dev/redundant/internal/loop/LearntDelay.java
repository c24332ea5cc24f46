package dev.redundant.internal.loop;

import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;

/**
 * A hedge delay learnt from first attempts by a {@link DelayEstimator}, the policy's own delays during
 * warm-up: the adaptive delay ({@code AdaptiveDelay}).
 *
 * @param estimator learns the delay
 * @param warmUpNanos the delays until it has learnt one, {@code warmUpNanos[i]} before attempt {@code i};
 *     not copied, never written
 */
@SuppressWarnings("ArrayRecordComponent") // the policy's validated array, owned by the policy
record LearntDelay(DelayEstimator estimator, long[] warmUpNanos) implements HedgeDelay {

  @Override
  public long delayNanos(int index) {
    return estimator.delayNanos(warmUpNanos[index]);
  }

  @Override
  public boolean learns() {
    return true;
  }

  @Override
  public boolean sampled() {
    return estimator.sampled();
  }

  @Override
  public void recordSuccess(long nanos) {
    estimator.recordSuccess(nanos);
  }

  @Override
  public void recordCensored() {
    estimator.recordCensored();
  }

  @Override
  public long typicalSuccessNanos() {
    return estimator.typicalSuccessNanos();
  }

  @Override
  public DelayMode mode() {
    return estimator.mode();
  }

  @Override
  public LatencyQuantiles quantiles() {
    return estimator.quantiles();
  }
}
