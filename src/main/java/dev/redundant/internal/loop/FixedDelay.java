package dev.redundant.internal.loop;

import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;

/**
 * The policy's own hedge delays, which nothing changes.
 *
 * @param delayNanos {@code delayNanos[i]} before attempt {@code i >= 1}; not copied, never written
 */
@SuppressWarnings("ArrayRecordComponent") // the policy's validated array, owned by the policy
record FixedDelay(long[] delayNanos) implements HedgeDelay {

  @Override
  public long delayNanos(int index) {
    return delayNanos[index];
  }

  @Override
  public boolean learns() {
    return false;
  }

  @Override
  public boolean sampled() {
    return false;
  }

  @Override
  public void recordSuccess(long nanos) {}

  @Override
  public void recordCensored() {}

  @Override
  public long typicalSuccessNanos() {
    return UNKNOWN;
  }

  @Override
  public DelayMode mode() {
    return DelayMode.FIXED;
  }

  @Override
  public LatencyQuantiles quantiles() {
    return LatencyQuantiles.NONE;
  }
}
