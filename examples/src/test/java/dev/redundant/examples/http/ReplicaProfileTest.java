package dev.redundant.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The WireMock replicas' profile checks its latencies when it is made, not when a request is served. */
class ReplicaProfileTest {

  /** Refused at once, not by an ArithmeticException (or a wrapped int) per request. */
  @Test
  void aLatencyTooLongForALongOfNanosecondsIsRefusedNamingIt() {
    Duration tooLong = Duration.ofDays(300 * 365L);
    Duration ms = Duration.ofMillis(1);
    assertThatThrownBy(() -> ReplicaProfile.always(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fastMin must fit in a long of nanoseconds, was PT2628000H");
    assertThatThrownBy(() -> new ReplicaProfile(0, 0, 0.1, ms, ms, ms, tooLong, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("slowMax must fit in a long of nanoseconds, was PT2628000H");
  }

  /** WireMock's delays are int milliseconds: a longer scaled latency would wrap around to a negative one. */
  @Test
  void aScaledLatencyPastAnIntOfMillisecondsIsRefusedNamingIt() {
    Duration ms = Duration.ofMillis(1);
    Duration year = Duration.ofDays(365);
    assertThatThrownBy(() -> new ReplicaProfile(0, 0, 0, ms, year, ms, ms, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fastMax must be at most 2147483647 ms once scaled by 1.0 (WireMock's delays are an int"
            + " of milliseconds), was PT8760H");
    ReplicaProfile scaled = new ReplicaProfile(0, 0, 0, ms, year, ms, ms, 0.001);
    assertThat(scaled.scaledMillis(year)).isEqualTo(31_536_000);
  }
}
