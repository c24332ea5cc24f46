package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** firstSuccess(n) and maxAttempts(n) share one bounds check and one message. */
class FirstSuccessBoundsTest {

  @ParameterizedTest
  @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, Hedge.MAX_ATTEMPTS + 1, Integer.MAX_VALUE})
  void outOfBoundsIsRefusedWithTheBuildersMessageBeforeAnythingStarts(int n) {
    AtomicInteger started = new AtomicInteger();
    String expected = "%s must be between 1 and " + Hedge.MAX_ATTEMPTS + " attempts, was " + n;

    Throwable builder = catchThrowable(() -> Hedge.builder().maxAttempts(n));
    Throwable sync = catchThrowable(() -> Redundant.firstSuccess(n, started::incrementAndGet));
    Throwable async = catchThrowable(() -> Redundant.firstSuccessAsync(n, started::incrementAndGet));

    assertThat(builder).isInstanceOf(IllegalArgumentException.class).hasMessage(expected, "maxAttempts");
    assertThat(sync).isInstanceOf(IllegalArgumentException.class).hasMessage(expected, "n");
    assertThat(async).isInstanceOf(IllegalArgumentException.class).hasMessage(expected, "n");
    assertThat(started).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, Hedge.MAX_ATTEMPTS})
  void theBoundsThemselvesAreAccepted(int n) throws Exception {
    AtomicInteger started = new AtomicInteger();

    assertThat(Redundant.firstSuccess(n, () -> started.incrementAndGet() > 0)).isTrue();
    assertThat(Hedge.builder().maxAttempts(n).build()).hasToString(
        n == 1 ? "Hedge[maxAttempts=1]" : "Hedge[maxAttempts=" + n + ", delay=PT1S]");
  }
}
