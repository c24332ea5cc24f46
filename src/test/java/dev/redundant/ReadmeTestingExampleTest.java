package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.redundant.testing.CallRecord;
import dev.redundant.testing.FakeDependency;
import dev.redundant.testing.ManualTimeSource;
import dev.redundant.testing.Reply;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's "Testing your hedged code" example, compiled and run as it is printed there. */
class ReadmeTestingExampleTest {

  // ---- the code under test: a user's service with a hedged call ----
  record Quote(String symbol, long cents) {}

  interface QuoteClient {
    Quote quote(String symbol) throws Exception;
  }

  static final class QuoteService {
    private final QuoteClient client;
    private final Hedge<Quote> hedge;

    QuoteService(QuoteClient client, TimeSource time) {
      this.client = client;
      this.hedge = Hedge.<Quote>builder()
          .maxAttempts(3)
          .delay(Duration.ofMillis(100))                        // a hedge after 100 ms without an answer
          .timeout(Duration.ofSeconds(1))                       // the whole call
          .fatalIf(e -> e instanceof IllegalArgumentException)  // retrying cannot fix a bad symbol
          .timeSource(time)
          .build();
    }

    Quote quote(String symbol) throws Exception {
      return hedge.call(attempt -> client.quote(symbol));
    }
  }

  // ---- the test: one clock for the policy and the fake ----
  final ManualTimeSource time = new ManualTimeSource();
  final Quote acme = new Quote("ACME", 10_150);

  QuoteService serviceOver(FakeDependency<Quote> quotes) {
    return new QuoteService(symbol -> quotes.call(), time);
  }

  /** Calls the service on a thread of its own, so that the test can move the clock meanwhile. */
  static CompletableFuture<Quote> inBackground(QuoteService service) {
    CompletableFuture<Quote> result = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        result.complete(service.quote("ACME"));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  static Throwable failureOf(CompletableFuture<Quote> result) throws Exception {
    try {
      Quote q = result.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + q);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void theHedgeStartsExactlyAtItsDelay() throws Exception {
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .script(Reply.hang(), Reply.value(acme).after(Duration.ofMillis(20)))
        .build();
    CompletableFuture<Quote> result = inBackground(serviceOver(quotes));

    quotes.awaitCalls(1);
    time.awaitParkedUntil(Duration.ofMillis(100));                // the library waits for t = 100 ms
    time.advanceAndAwaitParked(Duration.ofMillis(100).minusNanos(1));
    time.awaitParkedUntil(Duration.ofMillis(100));                // 1 ns before: it still waits for it
    assertThat(quotes.calls()).hasSize(1);

    time.advance(Duration.ofNanos(1));                            // t = 100 ms: the hedge
    quotes.awaitCalls(2);
    assertThat(quotes.record(1).start()).isEqualTo(Duration.ofMillis(100));
    time.awaitParkedUntil(Duration.ofMillis(120));                // the hedge's own latency
    time.advance(Duration.ofMillis(20));

    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(acme);
    quotes.awaitInterrupted(1);                                   // the first attempt was cancelled
  }

  @Test
  void aFailureFailsOverAtOnce() throws Exception {
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .script(Reply.failure(new ConnectException("refused")), Reply.value(acme))
        .build();

    assertThat(serviceOver(quotes).quote("ACME")).isEqualTo(acme);

    assertThat(quotes.record(1).start()).isEqualTo(Duration.ZERO);  // no delay: the clock never moved
    assertThat(time.elapsed()).isZero();
  }

  @Test
  void aFatalFailureStopsTheCall() throws Exception {
    IllegalArgumentException unknown = new IllegalArgumentException("unknown symbol");
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .script(Reply.failure(unknown), Reply.value(acme))
        .build();

    Throwable thrown = catchThrowable(() -> serviceOver(quotes).quote("ACME"));

    assertThat(thrown).isInstanceOf(FatalFailureException.class);
    assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(unknown);
    assertThat(quotes.calls()).hasSize(1);                        // no other attempt started
  }

  @Test
  void theTimeoutCarriesEveryFailure() throws Exception {
    IOException first = new IOException("reset");
    ConnectException second = new ConnectException("refused");
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .script(Reply.failure(first), Reply.failure(second), Reply.hang())
        .build();
    CompletableFuture<Quote> result = inBackground(serviceOver(quotes));

    quotes.awaitCalls(3);
    time.awaitParkedUntil(Duration.ofSeconds(1));                 // all 3 started: only the timeout is left
    time.advance(Duration.ofSeconds(1));

    Throwable thrown = failureOf(result);
    assertThat(thrown).isInstanceOf(HedgeTimeoutException.class);
    assertThat(((HedgeTimeoutException) thrown).failures()).containsExactly(first, second);
    quotes.awaitInterrupted(1);                                   // the hanging attempt was cancelled
    quotes.awaitNoneInFlight();
  }

  @Test
  void anOutageFailsTheCallWithEveryAttemptsFailure() throws Exception {
    ConnectException down = new ConnectException("down");
    FakeDependency<Quote> quotes = FakeDependency.builder(Quote.class).timeSource(time)
        .otherwise(Reply.failure(down))                           // every call fails
        .build();

    Throwable thrown = catchThrowable(() -> serviceOver(quotes).quote("ACME"));

    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    assertThat(((AllAttemptsFailedException) thrown).failures()).containsExactly(down, down, down);
    assertThat(quotes.calls()).extracting(CallRecord::outcome).containsOnly(CallRecord.Outcome.FAILED);
    assertThat(time.elapsed()).isZero();
  }
}
