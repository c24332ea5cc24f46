package dev.redundant.internal;

/** How a call without a winner ended: the kinds of {@link Ended}. */
enum CallEnd {
  /** Every attempt failed (failed, rejected, timed out, not launched). */
  ALL_FAILED,
  /** An attempt failed with a failure that {@code fatalIf} classifies as fatal. */
  FATAL,
  /** The call timeout elapsed. */
  TIMEOUT,
  /** Every attempt started failed and the budget denied the failover. */
  NO_BUDGET,
  /** Every attempt started failed and the failover was skipped: too little time left before the deadline. */
  NO_TIME,
  /** An attempt threw a {@link VirtualMachineError} or {@link AssertionError}: the caller gets it as is. */
  ERROR,
  /** The policy's {@link dev.redundant.TimeSource} threw: the caller gets what it threw. */
  CLOCK_FAILED,
  /** The caller gave up: it was interrupted, or its future was cancelled or completed from outside. */
  ABORTED
}
