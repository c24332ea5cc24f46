package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets a test thread wait, with a timeout, for a condition that other threads change: they call {@link
 * #changed()} after each change. Used by the kit's waiting helpers. Thread-safe; never blocks inside
 * {@code synchronized}, so virtual threads are not pinned.
 */
final class Signal {
  /** Looks at the condition again at least this often, for changes that come without a signal. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition condition = lock.newCondition();

  /** Wakes every thread waiting in {@link #await}. */
  void changed() {
    lock.lock();
    try {
      condition.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the {@link System#nanoTime()} at which a wait of {@code timeout} starting now ends.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  static long deadline(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    requireArgument(timeout.isPositive(), "timeout must be positive, was %s", timeout);
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    return System.nanoTime() + nanos;
  }

  /**
   * Waits until {@code done} holds or the system clock passes {@code deadline}.
   *
   * @param deadline from {@link #deadline(Duration)}
   * @param timeout the timeout that deadline came from, for the message
   * @param done the condition
   * @param awaited what the test waits for, for the message
   * @param seen what was seen instead, computed only on failure
   * @throws AssertionError on timeout, or on interrupt (with the interrupt status set again)
   */
  void await(long deadline, Duration timeout, BooleanSupplier done, Supplier<String> awaited,
      Supplier<String> seen) {
    lock.lock();
    try {
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("Timed out after " + timeout + " waiting for " + awaited.get()
              + "; saw " + seen.get());
        }
        try {
          condition.awaitNanos(Math.min(left, POLL_NANOS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("Interrupted while waiting for " + awaited.get(), e);
        }
      }
    } finally {
      lock.unlock();
    }
  }
}
