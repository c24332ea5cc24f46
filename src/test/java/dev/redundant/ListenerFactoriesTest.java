package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.Callers.Caller;
import dev.redundant.HedgeListener.CallSummary;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The single-event listener factories of {@link HedgeListener} and {@link HedgeListener#of}. */
class ListenerFactoriesTest {

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void onHedgeCountsHedges(Caller caller) throws Throwable {
    AtomicInteger hedges = new AtomicInteger();
    Hedge<String> hedge = Hedge.builder().maxAttempts(3).delay(Duration.ZERO)
        .listener(HedgeListener.onHedge(attempt -> {
          assertThat(attempt.isHedge()).isTrue();
          hedges.incrementAndGet();
        }))
        .build();
    CountDownLatch allRunning = new CountDownLatch(3);

    String value = caller.start(() -> hedge.call(attempt -> {
      allRunning.countDown();
      allRunning.await();
      if (attempt.index() < 2) {
        Thread.sleep(TimeUnit.DAYS.toMillis(1)); // stands for long work; interrupted when the call ends
      }
      return "attempt " + attempt.index();
    })).join();

    assertThat(value).isEqualTo("attempt 2");
    patiently().untilAsserted(() -> assertThat(hedges).hasValue(2));
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void onFailureAndAfterCallSeeTheirEventOnly(Caller caller) throws Throwable {
    List<AttemptReport> failures = new CopyOnWriteArrayList<>();
    List<CallSummary> calls = new CopyOnWriteArrayList<>();
    IOException reset = new IOException("connection reset");
    Hedge<String> hedge = Hedge.builder().maxAttempts(2).noHedging()
        .listener(
            HedgeListener.of(HedgeListener.onFailure(failures::add), HedgeListener.afterCall(calls::add)))
        .build();

    String value = caller.start(() -> hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw reset;
      }
      return "attempt " + attempt.index();
    })).join();

    assertThat(value).isEqualTo("attempt 1");
    patiently().untilAsserted(() -> assertThat(calls).hasSize(1));
    assertThat(failures).singleElement().satisfies(report -> {
      assertThat(report.index()).isZero();
      assertThat(report.outcome()).isEqualTo(AttemptReport.Outcome.FAILED);
      assertThat(report.failure()).isSameAs(reset);
    });
    CallSummary summary = calls.get(0);
    assertThat(summary.succeeded()).isTrue();
    assertThat(summary.attemptsStarted()).isEqualTo(2);
    assertThat(summary.hedgesStarted()).isZero();
    assertThat(summary.winner()).isEqualTo(1);
  }

  @Test
  void aThrowingListenerDoesNotKeepTheEventFromTheOthers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    IllegalStateException first = new IllegalStateException("first");
    IllegalStateException second = new IllegalStateException("second");
    HedgeListener both = HedgeListener.of(
        HedgeListener.afterCall(s -> {
          throw first;
        }),
        HedgeListener.afterCall(s -> calls.incrementAndGet()),
        HedgeListener.afterCall(s -> {
          throw second;
        }));
    CallSummary summary = new CallSummary(true, 1, 0, 0, Duration.ZERO);

    assertThatThrownBy(() -> both.onCallFinished(summary)).isSameAs(first);
    assertThat(first.getSuppressed()).containsExactly(second);
    assertThat(calls).hasValue(1);

    Hedge<String> hedge = Hedge.builder().maxAttempts(1).listener(both).build();
    assertThat(hedge.call(() -> "value")).isEqualTo("value");
    patiently().untilAsserted(() -> assertThat(calls).hasValue(2));
  }

  @Test
  void ofChecksItsListenersAndReturnsASingleOneAsIs() {
    HedgeListener one = HedgeListener.onHedge(a -> { });
    assertThat(HedgeListener.of(one)).isSameAs(one);
    assertThatThrownBy(() -> HedgeListener.of((HedgeListener[]) null))
        .isInstanceOf(NullPointerException.class).hasMessage("listeners");
    assertThatThrownBy(() -> HedgeListener.of(one, null))
        .isInstanceOf(NullPointerException.class).hasMessage("listeners[1]");
    assertThatThrownBy(HedgeListener::of)
        .isInstanceOf(IllegalArgumentException.class).hasMessage("listeners must hold at least one listener");
    assertThat(HedgeListener.of(one, HedgeListener.afterCall(s -> { })))
        .hasToString("HedgeListener.of[HedgeListener.onHedge, HedgeListener.afterCall]");
  }

  @Test
  void theFactoriesRefuseANullAction() {
    assertThatThrownBy(() -> HedgeListener.onHedge(null))
        .isInstanceOf(NullPointerException.class).hasMessage("action");
    assertThatThrownBy(() -> HedgeListener.onFailure(null))
        .isInstanceOf(NullPointerException.class).hasMessage("action");
    assertThatThrownBy(() -> HedgeListener.afterCall(null))
        .isInstanceOf(NullPointerException.class).hasMessage("action");
  }
}
