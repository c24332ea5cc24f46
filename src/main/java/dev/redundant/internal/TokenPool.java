package dev.redundant.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of tokens earned by deposits, up to a cap: the state of one kind of extra attempt (hedges or
 * failovers) in a budget. Tokens are kept as a long of millionths of a token, so fractional deposits
 * (0.1 per success) add up exactly.
 *
 * <p><b>Thread safety:</b> lock-free (a compare-and-set loop). A deposit into a full pool is a single
 * volatile read, so the common case of a healthy dependency costs no write at all.
 */
final class TokenPool {
  /** Millionths of a token per token. */
  static final long SCALE = 1_000_000;

  private final long capacity;
  private final AtomicLong balance;

  /**
   * Creates a full pool.
   *
   * @param capacity the cap, in millionths of a token, at least {@link #SCALE}
   */
  TokenPool(long capacity) {
    Checks.requireArgument(capacity >= SCALE, "capacity must be at least one token, was %s", capacity);
    this.capacity = capacity;
    this.balance = new AtomicLong(capacity);
  }

  /**
   * Adds tokens, up to the cap.
   *
   * @param amount millionths of a token, zero or positive
   */
  void deposit(long amount) {
    long current;
    long next;
    do {
      current = balance.get();
      next = Math.min(capacity, current + amount);
      if (next == current) {
        return;
      }
    } while (!balance.compareAndSet(current, next));
  }

  /**
   * Takes one token if the pool holds one.
   *
   * @return whether a token was taken
   */
  boolean tryTake() {
    long current;
    do {
      current = balance.get();
      if (current < SCALE) {
        return false;
      }
    } while (!balance.compareAndSet(current, current - SCALE));
    return true;
  }

  /**
   * Returns the tokens in the pool now, in millionths of a token.
   *
   * @return the tokens in the pool now, in millionths of a token
   */
  long balance() {
    return balance.get();
  }
}
