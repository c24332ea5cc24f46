package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redundant.Hedge;
import dev.redundant.testing.CallRecord.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FakeDependencyTest {

  /** A user's own value type. */
  record Quote(String symbol, long price) {}

  private static final Duration SHORT = Duration.ofMillis(50);
  private final ManualTimeSource time = new ManualTimeSource();

  @AfterEach
  void clearInterruptStatus() {
    Thread.interrupted();
  }

  /** Starts {@code fake.call()} on a new platform or virtual thread. */
  private static <T> Running<T> start(FakeDependency<T> fake, boolean virtual) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Boolean> flag = new CompletableFuture<>();
    Runnable body = () -> {
      try {
        result.complete(fake.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
      flag.complete(Thread.currentThread().isInterrupted());
    };
    Thread thread = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().daemon().start(body);
    return new Running<>(thread, result, flag);
  }

  record Running<T>(Thread thread, CompletableFuture<T> result, CompletableFuture<Boolean> flagAtEnd) {
    Throwable failure() throws Exception {
      try {
        T value = result.get(10, TimeUnit.SECONDS);
        throw new AssertionError("expected a failure, got " + value);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aScriptPlaysValuesFailuresAndLatenciesOnTheFakesClock(boolean virtual) throws Exception {
    Quote acme = new Quote("ACME", 101);
    IOException down = new IOException("down");
    FakeDependency<Quote> quotes = FakeDependency.<Quote>builder().timeSource(time)
        .script(Reply.failure(down), Reply.value(acme).after(Duration.ofMillis(300))).build();

    assertThat(start(quotes, virtual).failure()).isSameAs(down);
    Running<Quote> slow = start(quotes, virtual);
    time.awaitParkedUntil(Duration.ofMillis(300));
    time.advanceAndAwaitParked(Duration.ofMillis(300).minusNanos(1));
    assertThat(slow.result()).isNotDone();
    assertThat(quotes.record(1).outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(quotes.inFlight()).isOne();
    time.advance(Duration.ofNanos(1));
    assertThat(slow.result().get(10, TimeUnit.SECONDS)).isSameAs(acme);

    quotes.awaitNoneInFlight();
    assertThat(quotes.calls()).containsExactly(
        new CallRecord<>(0, Duration.ZERO, Duration.ZERO, Outcome.FAILED, null, down),
        new CallRecord<>(1, Duration.ZERO, Duration.ofMillis(300), Outcome.SUCCEEDED, acme, null));
  }

  /**
   * The common forms compile without a type witness (this file compiling is the test): a
   * typed builder, a failure with its latency, a script from a list, and a fake that must not be called.
   */
  @Test
  void theCommonFormsNeedNoTypeWitness() throws Exception {
    Quote acme = new Quote("ACME", 101);
    ConnectException down = new ConnectException("down");
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .script(Reply.failure(down, Duration.ofMillis(5)), Reply.value(acme))
        .otherwise(Reply.hang())
        .build();
    List<Reply<Quote>> generated = List.of(Reply.value(acme), Reply.failure(down));
    FakeDependency<Quote> fromList = FakeDependency.builder(Quote.class).script(generated).build();
    Reply<Quote> slowDown = Reply.failure(down, Duration.ofMillis(5));

    Running<Quote> first = start(quotes, true);
    time.awaitParkedUntil(Duration.ofMillis(5));
    time.advance(Duration.ofMillis(5));
    assertThat(first.failure()).isSameAs(down);
    assertThat(quotes.record(0).end()).isEqualTo(Duration.ofMillis(5));
    assertThat(quotes.call()).isSameAs(acme);
    assertThat(fromList.call()).isSameAs(acme);
    assertThatThrownBy(fromList::call).isSameAs(down);
    assertThat(slowDown).hasToString("failure(ConnectException).after(PT0.005S)");
  }

  @Test
  void aScriptFromAListIsCopiedAndChecked() throws Exception {
    List<Reply<String>> replies = new ArrayList<>(List.of(Reply.value("a")));
    FakeDependency<String> fake = FakeDependency.builder(String.class).script(replies)
        .script(Reply.value("b")).build();
    replies.add(Reply.value("not in the script"));

    assertThat(fake.call()).isEqualTo("a");
    assertThat(fake.call()).isEqualTo("b");
    assertThatThrownBy(fake::call).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the script ran out");
    assertThatThrownBy(() -> FakeDependency.builder(String.class).script(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replies must hold at least one reply");
    assertThatThrownBy(() -> FakeDependency.builder(String.class).script((List<Reply<String>>) null))
        .isInstanceOf(NullPointerException.class).hasMessage("replies");
    assertThatThrownBy(() -> FakeDependency.builder(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("type");
    assertThatThrownBy(() -> Reply.failure(new IOException("x"), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("latency must not be negative, was PT-0.001S");
  }

  /** A fake that must never be called fails the call, and so the test, when it is. */
  @Test
  void aFakeThatMustNeverBeCalledFailsTheHedgedCallThatCallsIt() throws Exception {
    FakeDependency<Quote> untouched = FakeDependency.neverCalled();
    Hedge<Quote> hedge = Hedge.builder().maxAttempts(3).noHedging().build();

    assertThat(untouched.calls()).isEmpty();
    assertThatThrownBy(() -> hedge.call(untouched::call))
        .isExactlyInstanceOf(AssertionError.class)
        .hasMessage("this fake must never be called, but call 0 was made");
    assertThat(untouched.calls()).singleElement().extracting(CallRecord::outcome).isEqualTo(Outcome.FAILED);
    assertThat(untouched).hasToString("FakeDependency[script=[], otherwise=neverCalled(), calls=1]");
  }

  @Test
  void aScriptThatRunsOutFailsClearly() throws Exception {
    FakeDependency<String> fake = FakeDependency.<String>builder().script(Reply.value("only")).build();
    assertThat(fake.call()).isEqualTo("only");
    assertThatThrownBy(fake::call)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the script ran out: call 1 has no reply (the script has 1: [value(only)]); add"
            + " replies or an otherwise(...) reply");
    assertThat(fake.record(1).outcome()).isEqualTo(Outcome.FAILED);
  }

  @Test
  void otherwiseRepliesPastTheScriptAndAloneMakesAnOutage() throws Exception {
    ConnectException down = new ConnectException("down");
    FakeDependency<String> fake = FakeDependency.<String>builder()
        .script(Reply.value("up")).otherwise(Reply.failure(down)).build();
    assertThat(fake.call()).isEqualTo("up");
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(fake::call).isSameAs(down);
    }
    FakeDependency<String> outage = FakeDependency.<String>builder().otherwise(Reply.failure(down)).build();
    assertThatThrownBy(outage::call).isSameAs(down);
    assertThat(down.getSuppressed()).as("the kit never modifies the user's exception").isEmpty();
  }

  @Test
  void factoriesMakeAValueOrFailurePerCallIndex() throws Exception {
    FakeDependency<Quote> fake = FakeDependency.<Quote>builder()
        .script(Reply.valueFrom(i -> new Quote("ACME", 100 + i)),
            Reply.failureFrom(i -> new IllegalArgumentException("bad call " + i)))
        .build();
    assertThat(fake.call()).isEqualTo(new Quote("ACME", 100));
    assertThatThrownBy(fake::call).isInstanceOf(IllegalArgumentException.class).hasMessage("bad call 1");
  }

  @Test
  void seededRatesAreReproducibleAndNearTheirRates() throws Exception {
    FakeDependency.Builder<String> builder = FakeDependency.<String>builder().seed(42)
        .rate(0.2, Reply.failureFrom(i -> new ConnectException("down " + i)))
        .rate(0.1, Reply.value("slow").after(Duration.ZERO))
        .rate(0.7, Reply.value("fast"));
    FakeDependency<String> a = builder.build();
    FakeDependency<String> b = builder.build();
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    int slow = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String va = valueOrFailure(a);
      assertThat(valueOrFailure(b)).isEqualTo(va);
      slow += va.equals("slow") ? 1 : 0;
    }
    a.calls().forEach(r -> outcomes.merge(r.outcome(), 1, Integer::sum));
    assertThat(outcomes.get(Outcome.FAILED) / (double) n).isCloseTo(0.2, within(0.015));
    assertThat(slow / (double) n).isCloseTo(0.1, within(0.015));
    assertThat(a.seed()).isEqualTo(42);
  }

  private static String valueOrFailure(FakeDependency<String> fake) {
    try {
      return fake.call();
    } catch (Exception e) {
      return e.getMessage();
    }
  }

  @Test
  void aLatencyRangeIsDrawnPerCallFromTheSeed() throws Exception {
    FakeDependency<String> fake = FakeDependency.<String>builder().seed(7).timeSource(time)
        .otherwise(Reply.value("v").after(Duration.ofMillis(500), Duration.ofSeconds(1))).build();
    Duration expected = Duration.ofNanos(500_000_000L + (long) (SeededDraws.unit(7, 0, 2) * 5e8));
    assertThat(expected).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    Running<String> call = start(fake, true);
    time.awaitParkedUntil(expected);
    time.advance(expected);
    call.result().get(10, TimeUnit.SECONDS);
    assertThat(fake.record(0).end()).isEqualTo(expected);
  }

  @Test
  void ratesThatDoNotAddUpFailClearly() {
    assertThatThrownBy(() -> FakeDependency.<String>builder()
            .rate(0.2, Reply.value("a")).rate(0.7, Reply.value("b")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rates must add up to 1, but [0.2, 0.7] add up to 0.8999999999999999");
    assertThatThrownBy(() -> FakeDependency.<String>builder().rate(1.5, Reply.value("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rate must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> FakeDependency.<String>builder().rate(Double.NaN, Reply.value("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rate must be in [0, 1], was NaN");
    assertThatThrownBy(() -> FakeDependency.<String>builder()
            .rate(1, Reply.value("a")).script(Reply.value("b")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("give either rates or a script (with otherwise), not both");
    assertThatThrownBy(() -> FakeDependency.<String>builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("nothing to reply: give script(...), otherwise(...) or rate(...)");
  }

  @Test
  void badRepliesAreRejected() {
    assertThatThrownBy(() -> Reply.failure(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("failure");
    assertThatThrownBy(() -> Reply.value("v").after(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("min must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> Reply.value("v").after(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("min must not exceed max, was PT2S > PT1S");
    assertThatThrownBy(() -> Reply.hang().ignoringInterrupts())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ignoringInterrupts() on hang(): a hanging call never ends");
    assertThatThrownBy(() -> FakeDependency.<String>builder().script())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replies must hold at least one reply");
    assertThatThrownBy(() -> FakeDependency.<String>builder().timeSource(null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeSource");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aHangEndsOnlyWhenInterruptedAndIsRecordedInterrupted(boolean virtual) throws Exception {
    FakeDependency<String> fake = FakeDependency.<String>builder().otherwise(Reply.hang()).build();
    Running<String> a = start(fake, virtual);
    Running<String> b = start(fake, virtual);
    fake.awaitCalls(2);
    assertThat(fake.inFlight()).isEqualTo(2);
    a.thread().interrupt();
    fake.awaitInterrupted(1);
    assertThat(a.failure()).isInstanceOf(InterruptedException.class);
    assertThat(a.flagAtEnd().get(10, TimeUnit.SECONDS)).as("status cleared, as Thread.sleep does").isFalse();
    assertThat(b.result()).isNotDone();
    b.thread().interrupt();
    fake.awaitInterrupted(2);
    fake.awaitNoneInFlight();
    assertThat(fake.calls()).extracting(CallRecord::outcome)
        .containsExactly(Outcome.INTERRUPTED, Outcome.INTERRUPTED);
  }

  @Test
  void anInterruptEndsALatencyAtOnceUnlessIgnored() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeDependency<String> fake = FakeDependency.<String>builder().timeSource(time)
        .script(Reply.value("never").after(Duration.ofHours(1)),
            Reply.value("stubborn").afterLatch(gate).after(Duration.ofSeconds(1)).ignoringInterrupts())
        .build();
    Running<String> plain = start(fake, true);
    time.awaitWaiters(1);
    plain.thread().interrupt();
    assertThat(plain.failure()).isInstanceOf(InterruptedException.class);
    assertThat(time.elapsed()).isZero();

    Running<String> stubborn = start(fake, false);
    fake.awaitCalls(2);
    stubborn.thread().interrupt();
    gate.countDown();
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));
    assertThat(stubborn.result().get(10, TimeUnit.SECONDS)).isEqualTo("stubborn");
    assertThat(stubborn.flagAtEnd().get(10, TimeUnit.SECONDS)).as("interrupt set again").isTrue();
    assertThat(fake.record(1).outcome()).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void awaitHelpersTimeOutSayingWhatTheySaw() throws Exception {
    FakeDependency<String> fake = FakeDependency.<String>builder().otherwise(Reply.hang()).build();
    assertThatThrownBy(() -> fake.awaitCalls(1, SHORT)).isInstanceOf(AssertionError.class)
        .hasMessage("Timed out after PT0.05S waiting for 1 call(s) started; saw []");
    Running<String> running = start(fake, true);
    fake.awaitCalls(1);
    assertThatThrownBy(() -> fake.awaitNoneInFlight(SHORT)).isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Timed out after PT0.05S waiting for no call in flight; saw [CallRecord[index=0")
        .hasMessageContaining("outcome=RUNNING");
    assertThatThrownBy(() -> fake.awaitInterrupted(1, SHORT)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("waiting for 1 call(s) interrupted");
    assertThatThrownBy(() -> fake.record(5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index must be between 0 and 0 (the calls so far), was 5");
    running.thread().interrupt();
    fake.awaitNoneInFlight();
  }
}
