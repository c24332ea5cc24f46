package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets a test thread wait, with a timeout, for a condition that other threads change: they call {@link
 * #changed()} after each change. Used by the kit's waiting helpers.
 *
 * <p>Thread-safe and lock-free: {@link #changed()} never blocks, so a thread of the code under test that
 * signals is never seen blocked on the kit's own lock (which a waiting helper would take for "parked").
 */
final class Signal {
  /** Looks at the condition again at least this often, for changes that come without a signal. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();

  /** Wakes every thread waiting in {@link #await}; never blocks. */
  void changed() {
    for (Thread waiter : waiters) {
      LockSupport.unpark(waiter);
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
   * Waits until {@code done} holds or the system clock passes {@code deadline}, for waits whose caller
   * returns false on timeout.
   *
   * @param deadline a {@link System#nanoTime()} reading
   * @param done the condition
   * @return whether {@code done} held before the deadline
   * @throws InterruptedException if the waiting thread is interrupted (its interrupt status cleared)
   */
  boolean awaitUntil(long deadline, BooleanSupplier done) throws InterruptedException {
    Thread me = Thread.currentThread();
    waiters.add(me);
    try {
      // Guard against a race with changed(): registered before evaluating, so a change after the
      // evaluation unparks us (or leaves a permit that makes the park return at once).
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, Math.min(left, POLL_NANOS));
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      return true;
    } finally {
      waiters.remove(me);
    }
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
    boolean held;
    try {
      held = awaitUntil(deadline, done);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for " + awaited.get(), e);
    }
    if (!held) {
      throw new AssertionError("Timed out after " + timeout + " waiting for " + awaited.get() + "; saw " + seen.get());
    }
  }

}
