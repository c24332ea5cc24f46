package dev.redundant.testing;

import java.time.Duration;
import java.util.Objects;

/** Argument checks on durations for the kit, naming the parameter. Stateless. */
final class Durations {
  private Durations() {}

  /**
   * Returns {@code d} in nanoseconds.
   *
   * @throws NullPointerException naming {@code name} if {@code d} is null
   * @throws IllegalArgumentException naming {@code name} if {@code d} is negative or too large
   */
  static long nonNegativeNanos(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must fit in a long of nanoseconds, was " + d, e);
    }
  }
}
