package dev.redundant.internal.loop;

import dev.redundant.TimeSource;
import dev.redundant.internal.Checks;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket refilled by time alone: {@code perSecond} tokens a second, holding at most one second's
 * worth (and at least one token). It is a budget's minimum rate, available whatever the successes.
 *
 * <p>The state is one long, the time at which the bucket was (or will be) empty: the bucket holds
 * {@code (now - emptyAt) / interval} tokens, capped. Taking a token moves {@code emptyAt} forward by one
 * interval with a compare-and-set.
 *
 * <p><b>Thread safety:</b> lock-free.
 */
final class RateFloor {
  private final TimeSource time;
  /** Nanoseconds per token; 0 when the rate is zero (the floor grants nothing). */
  private final long intervalNanos;
  /** How far back {@code emptyAt} may lag the clock: the capacity, as time. */
  private final long capacityNanos;
  private final AtomicLong emptyAt;

  /**
   * Creates a full bucket.
   *
   * @param perSecond tokens per second, zero or positive
   * @param time the clock it refills on
   */
  RateFloor(double perSecond, TimeSource time) {
    Checks.requireArgument(perSecond >= 0, "perSecond must not be negative, was %s", perSecond);
    this.time = time;
    this.intervalNanos = perSecond == 0 ? 0 : Math.max(1, (long) (1e9 / perSecond));
    this.capacityNanos = Math.max(intervalNanos, 1_000_000_000L);
    this.emptyAt = new AtomicLong(time.nanoTime() - capacityNanos);
  }

  /**
   * Takes one token if the bucket holds one now.
   *
   * @return whether a token was taken
   */
  boolean tryTake() {
    if (intervalNanos == 0) {
      return false;
    }
    long now = time.nanoTime();
    long current;
    long next;
    do {
      current = emptyAt.get();
      // A bucket idle for longer than its capacity is full: forget the time beyond that.
      long start = now - current > capacityNanos ? now - capacityNanos : current;
      next = start + intervalNanos;
      if (next - now > 0) {
        return false;
      }
    } while (!emptyAt.compareAndSet(current, next));
    return true;
  }
}
