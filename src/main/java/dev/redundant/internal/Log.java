package dev.redundant.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The library's one logger, {@code dev.redundant}, and a debug line that never breaks a call. */
public final class Log {
  /** The logger every part of the engine writes to. */
  public static final Logger LOG = LoggerFactory.getLogger("dev.redundant");

  private Log() {}

  /** Logs at debug; a logging backend that throws on a user's object does not break the call. */
  public static void debug(String format, @Nullable Object a, @Nullable Object b, @Nullable Object c) {
    try {
      LOG.debug(format, a, b, c);
    } catch (Throwable ignored) {
      // the call goes on
    }
  }
}
