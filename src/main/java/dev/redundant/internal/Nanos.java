package dev.redundant.internal;

import java.time.Duration;

/**
 * Nanosecond arithmetic on clock readings, the one home of it: readings are compared only as differences
 * ({@code now - start}), so any origin works and a wrap of the clock's {@code long} is harmless, and spans
 * saturate at {@link #NEVER} instead of overflowing.
 *
 * <p>A clock that runs backwards (a reading before {@code start}) is read as no time elapsed: the time
 * left is then the whole span, never more.
 */
public final class Nanos {
  /** A span that never elapses: no timeout, no hedge, no deadline. */
  public static final long NEVER = Long.MAX_VALUE;

  private Nanos() {}

  /**
   * Returns {@code d} in nanoseconds, saturated.
   *
   * @param d a non-negative duration
   * @return its nanoseconds, or {@link #NEVER} when it does not fit below {@code NEVER}
   */
  public static long of(Duration d) {
    return d.compareTo(Duration.ofNanos(NEVER - 1)) >= 0 ? NEVER : d.toNanos();
  }

  /**
   * Returns the time elapsed at {@code now} since {@code start}.
   *
   * @return {@code now - start}, or 0 for a clock that ran backwards
   */
  public static long since(long now, long start) {
    return Math.max(0, now - start);
  }

  /**
   * Returns whether {@code span} has elapsed at {@code now} since {@code start}.
   *
   * @param span nanoseconds, or {@link #NEVER} for a span that never elapses
   */
  public static boolean elapsed(long now, long start, long span) {
    return span != NEVER && now - start >= span;
  }

  /**
   * Returns the time left at {@code now} until {@code span} has elapsed since {@code start}.
   *
   * @param span nanoseconds, or {@link #NEVER}
   * @return a positive span up to {@code span}, 0 if elapsed already, or {@link #NEVER} for a span that
   *     never ends
   */
  public static long remaining(long now, long start, long span) {
    if (span == NEVER) {
      return NEVER;
    }
    return Math.max(0, span - since(now, start));
  }
}
