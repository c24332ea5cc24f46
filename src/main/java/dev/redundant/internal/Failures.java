package dev.redundant.internal;

/**
 * Describes failures without trusting them: a user's exception may throw from {@code toString()} or
 * {@code getMessage()}, and the engine must still count, report and deliver it.
 *
 * <p><b>Thread safety:</b> stateless.
 */
public final class Failures {
  private Failures() {}

  /**
   * Returns {@code failure.toString()}, or, when that throws, the class name and what it threw.
   *
   * @param failure any throwable, possibly {@code null}
   * @return a description that never throws
   */
  public static String describe(Throwable failure) {
    try {
      return String.valueOf(failure);
    } catch (Throwable broken) {
      return failure.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
    }
  }

  /**
   * Whether a failure must end the call at once and reach the caller as itself, instead of starting a
   * failover: a {@link VirtualMachineError} (failing over from an {@code OutOfMemoryError} would make it
   * worse) or an {@link AssertionError} (a broken invariant, or a failed assertion of a test, which a
   * failover would hide).
   *
   * @param failure what an attempt threw
   * @return whether the call must end with it
   */
  public static boolean endsTheCall(Throwable failure) {
    return failure instanceof VirtualMachineError || failure instanceof AssertionError;
  }
}
