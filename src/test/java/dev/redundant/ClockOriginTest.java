package dev.redundant;

import static dev.redundant.Callers.failureOf;
import static dev.redundant.Callers.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clock readings have an arbitrary origin and may wrap; hedges, attempt timeouts and the call
 * timeout fire after the same elapsed time whatever the origin.
 */
class ClockOriginTest {
  private static final long MS = 1_000_000;

  static Stream<Arguments> originsAndModes() {
    long[] origins = {0, -50 * MS, Long.MAX_VALUE - 50 * MS, Long.MAX_VALUE, Long.MIN_VALUE,
        Long.MIN_VALUE + 1, Long.MIN_VALUE - 50 * MS};
    return Stream.of(Caller.values())
        .flatMap(mode -> java.util.Arrays.stream(origins).mapToObj(origin -> Arguments.of(origin, mode)));
  }

  /** Attempt 0 hangs until interrupted; the others return "attempt i" at once. */
  private static AttemptTask<String> firstHangs(CountDownLatch firstStarted) {
    return attempt -> {
      if (attempt.index() == 0) {
        firstStarted.countDown();
        new CountDownLatch(1).await(); // until the call interrupts it
      }
      return "attempt " + attempt.index();
    };
  }

  /** Starts the call with the clock at {@code origin}, and advances it once attempt 0 has started. */
  private static CompletableFuture<String> callAndAdvance(long origin, Caller mode, HedgeBuilder<String> policy,
      Duration advance) throws InterruptedException {
    OffsetClock clock = new OffsetClock(origin);
    CountDownLatch firstStarted = new CountDownLatch(1);
    CompletableFuture<String> call = mode.start(policy.timeSource(clock).build(), firstHangs(firstStarted));
    assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
    clock.advance(advance);
    return call;
  }

  @ParameterizedTest
  @MethodSource("originsAndModes")
  void aHedgeStartsAfterItsDelay(long origin, Caller mode) throws Exception {
    HedgeBuilder<String> policy = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(100));
    assertThat(valueOf(callAndAdvance(origin, mode, policy, Duration.ofMillis(100)))).isEqualTo("attempt 1");
  }

  @ParameterizedTest
  @MethodSource("originsAndModes")
  void anAttemptTimesOutAfterItsTimeout(long origin, Caller mode) throws Exception {
    HedgeBuilder<String> policy = Hedge.<String>builder().maxAttempts(2).delay(ChronoUnit.FOREVER.getDuration())
        .attemptTimeout(Duration.ofMillis(200));
    assertThat(valueOf(callAndAdvance(origin, mode, policy, Duration.ofMillis(200)))).isEqualTo("attempt 1");
  }

  @ParameterizedTest
  @MethodSource("originsAndModes")
  void theCallTimesOutAfterItsTimeout(long origin, Caller mode) throws Exception {
    HedgeBuilder<String> policy = Hedge.<String>builder().maxAttempts(1).timeout(Duration.ofMillis(300));
    assertThat(failureOf(callAndAdvance(origin, mode, policy, Duration.ofMillis(300))))
        .isExactlyInstanceOf(HedgeTimeoutException.class);
  }
}
