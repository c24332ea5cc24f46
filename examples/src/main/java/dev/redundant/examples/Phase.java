package dev.redundant.examples;

/**
 * A stretch of a scenario that the experiment reports on its own: a call, with all its attempts, belongs
 * to the phase in which it started. {@link #ALL} covers every measured call.
 */
enum Phase {
  /** Every measured call. */
  ALL("all"),
  /** S3: calls started before latencies doubled. */
  FIRST_HALF("first-half"),
  /** S3: calls started after latencies doubled. */
  SECOND_HALF("second-half"),
  /** S6: calls started during the outage. */
  OUTAGE("outage"),
  /** S6: calls started in the first 10 s after the dependency recovered. */
  RECOVERY_10S("recovery-10s"),
  /** S6: calls started later than that. */
  AFTER_RECOVERY("after-recovery"),
  /** S7b: the calls that arrive at once, before any other. */
  BURST("burst"),
  /** S7b: the calls that arrive after the burst. */
  AFTER_BURST("after-burst");

  private final String label;

  Phase(String label) {
    this.label = label;
  }

  /**
   * Returns the name used in the table and the JSON.
   *
   * @return for example {@code "recovery-10s"}
   */
  String label() {
    return label;
  }
}
