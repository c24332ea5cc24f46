package dev.redundant.examples;

import java.util.List;

/**
 * When a scenario's phases begin, in the scenario's seconds from the start of the measurement: which
 * phase a call or an attempt belongs to, given when it started.
 *
 * @param starts the phases after {@link Phase#ALL}, each with its start, in increasing order of start;
 *     time before the first start belongs to no phase but {@link Phase#ALL}
 * @param endSeconds the end of the measurement
 */
record Timeline(List<PhaseStart> starts, double endSeconds) {

  /**
   * A phase and the time it begins.
   *
   * @param phase the phase
   * @param atSeconds its start, in the scenario's seconds
   */
  record PhaseStart(Phase phase, double atSeconds) {}

  /**
   * Checks that the starts increase and lie within the measurement.
   *
   * @throws IllegalArgumentException if they do not
   */
  Timeline {
    starts = List.copyOf(starts);
    double previous = 0;
    for (PhaseStart start : starts) {
      if (start.atSeconds() < previous || start.atSeconds() >= endSeconds) {
        throw new IllegalArgumentException("phase starts must increase within [0, " + endSeconds + "): " + starts);
      }
      previous = start.atSeconds();
    }
  }

  /**
   * A timeline without phases.
   *
   * @param endSeconds the end of the measurement
   * @return the timeline
   */
  static Timeline single(double endSeconds) {
    return new Timeline(List.of(), endSeconds);
  }

  /**
   * Returns whether a time lies in the measurement.
   *
   * @param seconds a time in the scenario's seconds from the start of the measurement
   * @return whether it is in {@code [0, endSeconds)}
   */
  boolean measures(double seconds) {
    return seconds >= 0 && seconds < endSeconds;
  }

  /**
   * Returns the phase, other than {@link Phase#ALL}, that a time belongs to.
   *
   * @param seconds a measured time
   * @return the phase, or null before the first phase starts
   */
  Phase phaseAt(double seconds) {
    Phase phase = null;
    for (PhaseStart start : starts) {
      if (seconds >= start.atSeconds()) {
        phase = start.phase();
      }
    }
    return phase;
  }

  /**
   * Returns the phases reported: {@link Phase#ALL} and then each phase of the timeline.
   *
   * @return the phases, in order
   */
  List<Phase> reported() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(Phase.ALL),
        starts.stream().map(PhaseStart::phase)).toList();
  }
}
