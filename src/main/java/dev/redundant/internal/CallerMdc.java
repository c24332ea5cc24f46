package dev.redundant.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The caller's MDC on the threads that work for its call (attempts, the clock watcher), when the policy
 * copies it ({@code HedgeBuilder.copyMdc}): installed before user code runs there, the thread's own
 * restored after.
 */
final class CallerMdc {
  private CallerMdc() {}

  /**
   * Gives the current thread the caller's MDC, an empty one if the caller had none (even a fresh thread
   * may have inherited one, from a failed attempt that started it), unless the policy does not copy it.
   *
   * @return the thread's previous MDC (empty map for none), to restore; or null if nothing was changed
   */
  static @Nullable Object install(boolean copy, @Nullable Map<String, String> callerMdc) {
    if (!copy) {
      return null;
    }
    Map<String, String> previous = MDC.getCopyOfContextMap();
    if (callerMdc != null) {
      MDC.setContextMap(callerMdc);
    } else if (previous != null) {
      MDC.clear();
    } else {
      return null; // neither the caller nor this thread has an MDC: nothing to change or restore
    }
    return previous == null ? Map.of() : previous;
  }

  /** Restores what {@link #install} returned. */
  @SuppressWarnings("unchecked")
  static void restore(@Nullable Object previous) {
    if (previous == null) {
      return;
    }
    Map<String, String> map = (Map<String, String>) previous;
    if (map.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(map);
    }
  }
}
