package dev.redundant.bench;

/**
 * Runs a batch of operations from the benchmark's caller type: on the JMH thread ({@code platform}), or
 * inside one virtual thread started for the batch and joined ({@code virtual}). Both caller types run the
 * same batch of {@link #BATCH} operations per benchmark invocation, so the cost of the one virtual thread
 * start is amortised over the batch (about 1 ns per operation).
 */
final class Callers {
  /** Operations per benchmark invocation, for both caller types. */
  static final int BATCH = 1000;

  /** A batch of operations. */
  @FunctionalInterface
  interface Batch {
    void run() throws Exception;
  }

  private Callers() {}

  /**
   * Parses the caller parameter.
   *
   * @param caller "platform" or "virtual"
   * @return whether the batch runs on a virtual thread
   */
  static boolean isVirtual(String caller) {
    return switch (caller) {
      case "platform" -> false;
      case "virtual" -> true;
      default -> throw new IllegalArgumentException("caller must be platform or virtual, was " + caller);
    };
  }

  /**
   * Runs {@code batch} on the calling thread, or inside a virtual thread that the calling thread joins.
   *
   * @param virtual where to run it
   * @param batch the operations
   */
  static void run(boolean virtual, Batch batch) throws Exception {
    if (!virtual) {
      batch.run();
      return;
    }
    Throwable[] failure = new Throwable[1];
    Thread driver = Thread.ofVirtual().start(() -> {
      try {
        batch.run();
      } catch (Throwable t) {
        failure[0] = t;
      }
    });
    driver.join();
    if (failure[0] instanceof Exception e) {
      throw e;
    } else if (failure[0] instanceof Error e) {
      throw e;
    }
  }
}
