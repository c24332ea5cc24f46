package dev.redundant.internal.loop;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one kind of extra attempt (hedges or failovers) in a budget, kept as a <em>debt</em>: the
 * tokens taken and not yet earned back. The pool holds {@code capacity - debt} tokens, where the capacity
 * is given at each take (it grows with the calls in flight, see {@link TokenBudget}); taking a token adds
 * one to the debt, a deposit pays it back, never below zero. A new pool owes nothing: it is full, at
 * whatever capacity. Because the debt, not the balance, is kept, a pool whose capacity rises (more calls
 * in flight) holds more tokens at once, and one whose capacity falls keeps what it owes: a token taken
 * is never forgotten until successes pay it back.
 *
 * <p><b>Resolution.</b> Amounts are longs of billionths of a token ({@link #SCALE}), so fractional
 * deposits (0.1 per success) add up exactly, and a deposit of at least a millionth of a token (the
 * smallest that {@code HedgeBudget} accepts) is kept to within 0.05% of itself.
 *
 * <p><b>Thread safety:</b> lock-free (compare-and-set loops). A deposit into a pool that owes nothing is
 * a single volatile read, so the common case of a healthy dependency costs no write at all.
 */
final class TokenPool {
  /** Billionths of a token per token. */
  static final long SCALE = 1_000_000_000L;

  /** Tokens taken and not yet earned back, in billionths of a token; never negative. */
  private final AtomicLong debt = new AtomicLong();

  /** Creates a pool that owes nothing (full). */
  TokenPool() {}

  /**
   * Pays back tokens; a pool that owes nothing stays as it is (deposits are not saved beyond the capacity).
   *
   * @param amount billionths of a token, zero or positive
   */
  void deposit(long amount) {
    long current;
    long next;
    do {
      current = debt.get();
      if (current == 0 || amount == 0) {
        return;
      }
      next = Math.max(0, current - amount);
    } while (!debt.compareAndSet(current, next));
  }

  /**
   * Takes one token if the pool holds one at this capacity.
   *
   * @param capacity the most the pool may owe now, in billionths of a token
   * @return whether a token was taken
   */
  boolean tryTake(long capacity) {
    long current;
    do {
      current = debt.get();
      if (capacity - current < SCALE) {
        return false;
      }
    } while (!debt.compareAndSet(current, current + SCALE));
    return true;
  }

  /**
   * Returns the tokens in the pool at a capacity.
   *
   * @param capacity the capacity, in billionths of a token
   * @return {@code capacity - debt}, at least 0, in billionths of a token
   */
  long balance(long capacity) {
    return Math.max(0, capacity - debt.get());
  }
}
