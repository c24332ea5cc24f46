package dev.redundant;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * An MDC that works (slf4j-simple's is a no-op) and that threads do not inherit (so a test sees only what
 * the library copies). Like slf4j's {@code BasicMDCAdapter} and Logback's, {@link #getCopyOfContextMap()}
 * returns {@code null} on a thread that never had an MDC, or whose MDC was cleared.
 */
final class ThreadLocalMdcAdapter implements MDCAdapter {
  private final ThreadLocal<Map<String, String>> map = new ThreadLocal<>();

  /** Installs a new adapter of this kind into slf4j's MDC and returns the one it replaced. */
  static MDCAdapter install() {
    MDCAdapter previous = MDC.getMDCAdapter();
    set(new ThreadLocalMdcAdapter());
    return previous;
  }

  /** Puts back the adapter {@link #install()} returned. */
  static void restore(MDCAdapter previous) {
    set(previous);
  }

  private static void set(MDCAdapter adapter) {
    try {
      Method setter = MDC.class.getDeclaredMethod("setMDCAdapter", MDCAdapter.class);
      setter.setAccessible(true);
      setter.invoke(null, adapter);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot replace slf4j's MDC adapter", e);
    }
  }

  @Override
  public void put(String key, String val) {
    Map<String, String> m = map.get();
    if (m == null) {
      m = new HashMap<>();
      map.set(m);
    }
    m.put(key, val);
  }

  @Override
  public String get(String key) {
    Map<String, String> m = map.get();
    return m == null ? null : m.get(key);
  }

  @Override
  public void remove(String key) {
    Map<String, String> m = map.get();
    if (m != null) {
      m.remove(key);
    }
  }

  @Override
  public void clear() {
    map.remove();
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    Map<String, String> m = map.get();
    return m == null ? null : new HashMap<>(m);
  }

  @Override
  public void setContextMap(Map<String, String> contextMap) {
    map.set(contextMap == null ? null : new HashMap<>(contextMap));
  }

  @Override
  public void pushByKey(String key, String value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public String popByKey(String key) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Deque<String> getCopyOfDequeByKey(String key) {
    return new ArrayDeque<>();
  }

  @Override
  public void clearDequeByKey(String key) {}
}
