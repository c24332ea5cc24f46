package dev.redundant.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.CallOptions;
import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBudget;
import dev.redundant.HedgeBuilder;
import dev.redundant.HedgeResult;
import dev.redundant.HedgeTimeoutException;
import dev.redundant.testing.ManualTimeSource;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shipped OpenTelemetry binding, with the SDK's in-memory exporter. */
class HedgeTracingTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
  private final Tracer testTracer = openTelemetry.getTracer("test");
  private final HedgeTracing tracing = HedgeTracing.create(openTelemetry, "quotes");

  @AfterEach
  void closeProvider() {
    provider.close();
  }

  /** How a test calls the traced policy: synchronously from a platform or a virtual thread, or async. */
  enum Caller {
    PLATFORM(Thread.ofPlatform().daemon().factory()),
    VIRTUAL(Thread.ofVirtual().factory()),
    ASYNC(null);

    private final ThreadFactory factory;

    Caller(ThreadFactory factory) {
      this.factory = factory;
    }

    /** Calls {@code hedge} with {@code task}; the future completes with the call's value or failure. */
    <T> CompletableFuture<T> call(TracedHedge<T> hedge, dev.redundant.AttemptTask<T> task) {
      if (factory == null) {
        return hedge.callAsync(task);
      }
      return start(factory, Context.current().wrap(() -> hedge.call(task))); // the caller's context, on its thread
    }
  }

  private static <T> CompletableFuture<T> start(ThreadFactory factory, Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    factory.newThread(() -> {
      try {
        result.complete(call.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }).start();
    return result;
  }

  /** Blocks until interrupted: an attempt that never answers. */
  private static String hang() throws InterruptedException {
    new CountDownLatch(1).await();
    throw new AssertionError("unreachable");
  }

  private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch").isTrue();
  }

  private HedgeBuilder<String> policy() {
    return Hedge.<String>builder().listener(tracing);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHedgeThatWinsMakesACallSpanWithAnAttemptSpanEachAndTheLoserIsCancelledNotFailed(Caller caller)
      throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).delay(Duration.ofMillis(100))
        .timeSource(time).build());
    CountDownLatch firstStarted = new CountDownLatch(1);

    Span parent = testTracer.spanBuilder("request").startSpan();
    CompletableFuture<String> call;
    try (Scope scope = parent.makeCurrent()) {
      call = caller.call(hedge, attempt -> {
        if (attempt.index() == 0) {
          firstStarted.countDown();
          return hang();
        }
        return "hedge";
      });
    }
    awaitLatch(firstStarted);
    time.awaitParkedUntil(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100));

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("hedge");
    parent.end();
    List<SpanData> spans = awaitSpans(4);
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(callSpan.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(callSpan.getAttributes().asMap()).containsAllEntriesOf(Map.of(
        HedgeTracing.POLICY, "quotes",
        HedgeTracing.CALL_OUTCOME, "succeeded",
        HedgeTracing.CALL_WINNER, 1L,
        HedgeTracing.CALL_WINNER_TRIGGER, "hedge",
        HedgeTracing.CALL_ATTEMPTS, 2L,
        HedgeTracing.CALL_HEDGES, 1L,
        HedgeTracing.CALL_FAILOVERS, 0L));
    SpanData first = attempt(spans, 0);
    assertThat(first.getParentSpanId()).isEqualTo(callSpan.getSpanId());
    assertThat(first.getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER)).isEqualTo("first");
    assertThat(first.getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("cancelled");
    assertThat(first.getStatus().getStatusCode()).as("a loser is not an error").isEqualTo(StatusCode.UNSET);
    assertThat(first.getEvents()).extracting(EventData::getName).containsExactly("cancelled");
    SpanData winner = attempt(spans, 1);
    assertThat(winner.getParentSpanId()).isEqualTo(callSpan.getSpanId());
    assertThat(winner.getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER)).isEqualTo("hedge");
    assertThat(winner.getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("succeeded");
    assertThat(winner.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(winner.getEvents()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHedgeTheBudgetDeniesOnTheSystemClockIsAnEventOnItsCallSpan(Caller caller) throws Exception {
    // On the system clock an async call's watcher is started by the library's shared timer, not by the
    // caller; what it tells the listener must still be placed on its own call's span. First an untraced
    // call whose hedge the clock starts, so that the library's clock threads have served another call.
    Hedge<String> untraced = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(1)).build();
    assertThat(untraced.callAsync(attempt -> attempt.index() == 0 ? hang() : "untraced")).succeedsWithin(PATIENCE);
    // One hedge token and no way to earn more: hedge 1 takes it, hedge 2 is denied.
    HedgeBudget oneToken = HedgeBudget.builder().hedgesPerSuccess(0).burst(1).minPerSecond(0).build();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).delay(Duration.ofMillis(1))
        .budget(oneToken).build());
    CountDownLatch answer = new CountDownLatch(1);

    CompletableFuture<String> call = caller.call(hedge, attempt -> {
      if (attempt.index() == 0) {
        awaitLatch(answer);
        return "first";
      }
      return hang();
    });
    await().atMost(PATIENCE).until(() -> hedge.hedge().statistics().deniedByBudget() == 1);
    answer.countDown();

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("first");
    SpanData callSpan = span(awaitSpans(3), "quotes");
    assertThat(skips(callSpan)).containsExactly("hedge 2: budget");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAttemptRoutedOverReplicasNamesItsReplica(Caller caller) {
    dev.redundant.Replicas<String> replicas = dev.redundant.Replicas.of("a", "b");
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).noHedging().replicas(replicas).build());
    CompletableFuture<String> call = caller.call(hedge, attempt -> {
      if (attempt.index() == 0) {
        throw new IOException("down");
      }
      return replicas.get(attempt);
    });

    assertThat(call).succeedsWithin(PATIENCE).isIn("a", "b");
    List<SpanData> spans = awaitSpans(3);
    Long first = attempt(spans, 0).getAttributes().get(HedgeTracing.ATTEMPT_REPLICA);
    Long failover = attempt(spans, 1).getAttributes().get(HedgeTracing.ATTEMPT_REPLICA);
    assertThat(first).isNotNull().isIn(0L, 1L);
    assertThat(failover).isNotNull().isEqualTo(1 - first); // never back to the replica that failed
    assertThat(span(spans, "quotes").getAttributes().get(HedgeTracing.ATTEMPT_REPLICA)).isNull();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailedAttemptIsAnErrorAndTheFailoverThatWinsIsCounted(Caller caller) {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).delay(Duration.ofMinutes(1)).build());
    IOException down = new IOException("down");

    assertThat(caller.call(hedge, attempt -> {
      if (attempt.index() == 0) {
        throw down;
      }
      return "failover";
    })).succeedsWithin(PATIENCE).isEqualTo("failover");

    List<SpanData> spans = awaitSpans(3);
    SpanData failed = attempt(spans, 0);
    assertThat(failed.getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("failed");
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getEvents()).extracting(EventData::getName).containsExactly("exception");
    assertThat(failed.getEvents().get(0).getAttributes().get(EXCEPTION_TYPE)).isEqualTo("java.io.IOException");
    SpanData failover = attempt(spans, 1);
    assertThat(failover.getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER)).isEqualTo("failover");
    assertThat(failover.getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("succeeded");
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_FAILOVERS)).isEqualTo(1L);
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_WINNER_TRIGGER)).isEqualTo("failover");
    assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFatalFailureMakesTheCallSpanAnErrorWithTheFatalException(Caller caller) {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).fatalOn(IllegalArgumentException.class)
        .build());

    assertThat(caller.call(hedge, attempt -> {
      throw new IllegalArgumentException("bad symbol");
    })).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(FatalFailureException.class);

    List<SpanData> spans = awaitSpans(2);
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("fatal");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_ATTEMPTS)).isEqualTo(1L);
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_WINNER)).isNull();
    assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(callSpan.getEvents()).singleElement().satisfies(e -> assertThat(e.getAttributes()
        .get(EXCEPTION_TYPE)).isEqualTo(FatalFailureException.class.getName()));
    assertThat(attempt(spans, 0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aCallTimeoutMakesTheCallSpanATimeoutAndItsAttemptCancelled(Caller caller) {
    ManualTimeSource time = new ManualTimeSource();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).noHedging()
        .timeout(Duration.ofSeconds(1)).timeSource(time).build());

    CompletableFuture<String> call = caller.call(hedge, attempt -> hang());
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));

    assertThat(call).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(HedgeTimeoutException.class);
    List<SpanData> spans = awaitSpans(2);
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("timed_out");
    assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    SpanData only = attempt(spans, 0);
    assertThat(only.getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("cancelled");
    assertThat(only.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverTheBudgetDeniesIsAnEventOnTheCallSpan(Caller caller) {
    HedgeBudget budget = HedgeBudget.builder().failoversPerSuccess(0).burst(1).minPerSecond(0).build();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).noHedging().budget(budget).build());

    assertThat(caller.call(hedge, attempt -> {
      throw new IOException("down " + attempt.index());
    })).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseExactlyInstanceOf(AllAttemptsFailedException.class);

    List<SpanData> spans = awaitSpans(3);
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("all_failed");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_FAILOVERS)).isEqualTo(1L);
    assertThat(skips(callSpan)).containsExactly("failover 2: budget");
    assertThat(attempt(spans, 1).getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER)).isEqualTo("failover");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHedgeTheBudgetDeniesOnTheClockIsAnEventOnTheCallSpan(Caller caller) throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    // One hedge token and no way to earn more: hedge 1 takes it at 100 ms, hedge 2 is denied at 200 ms.
    HedgeBudget budget = HedgeBudget.builder().hedgesPerSuccess(0).burst(1).minPerSecond(0).build();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).delay(Duration.ofMillis(100))
        .budget(budget).timeSource(time).build());
    CountDownLatch answer = new CountDownLatch(1);
    CountDownLatch hedgeStarted = new CountDownLatch(1);

    CompletableFuture<String> call = caller.call(hedge, attempt -> {
      if (attempt.index() == 0) {
        awaitLatch(answer);
        return "first";
      }
      hedgeStarted.countDown();
      return hang();
    });
    time.awaitParkedUntil(Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100));
    awaitLatch(hedgeStarted);
    time.awaitParkedUntil(Duration.ofMillis(200));
    time.advance(Duration.ofMillis(100)); // the second hedge is due, and denied
    await().atMost(PATIENCE).until(() -> hedge.hedge().statistics().deniedByBudget() == 1);
    answer.countDown();

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("first");
    SpanData callSpan = span(awaitSpans(3), "quotes");
    assertThat(skips(callSpan)).containsExactly("hedge 2: budget");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_HEDGES)).isEqualTo(1L);
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_WINNER_TRIGGER)).isEqualTo("first");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void theCallersContextIsCurrentInsideEveryAttemptUnderItsSpan(Caller caller) throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).delay(Duration.ZERO).build());
    Map<Integer, String> baggageSeen = new ConcurrentHashMap<>();
    CountDownLatch bothRan = new CountDownLatch(2);

    Span parent = testTracer.spanBuilder("request").startSpan();
    Context callerContext = Context.current().with(parent)
        .with(Baggage.builder().put("tenant", "acme").build());
    CompletableFuture<String> call;
    try (Scope scope = callerContext.makeCurrent()) {
      call = caller.call(hedge, attempt -> {
        // what a client's own instrumentation does: a span under whatever is current
        Span client = testTracer.spanBuilder("GET /quote " + attempt.index()).setSpanKind(SpanKind.CLIENT)
            .startSpan();
        client.end();
        baggageSeen.put(attempt.index(), Objects.requireNonNullElse(Baggage.current().getEntryValue("tenant"), "-"));
        bothRan.countDown();
        awaitLatch(bothRan);
        return attempt.index() == 0 ? "first" : hang();
      });
    }
    assertThat(Span.current().getSpanContext().isValid()).as("nothing leaks into the caller's thread").isFalse();

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("first");
    parent.end();
    List<SpanData> spans = awaitSpans(6);
    assertThat(baggageSeen).containsExactlyInAnyOrderEntriesOf(Map.of(0, "acme", 1, "acme"));
    for (int i = 0; i < 2; i++) {
      assertThat(span(spans, "GET /quote " + i).getParentSpanId()).isEqualTo(attempt(spans, i).getSpanId());
      assertThat(span(spans, "GET /quote " + i).getTraceId()).isEqualTo(parent.getSpanContext().getTraceId());
    }
  }

  @Test
  void aCallerInterruptedMakesACancelledCallThatIsNotAnError() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).delay(Duration.ofMinutes(1)).build());
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> call = start(Thread.ofPlatform().daemon().factory(), () -> {
      Thread caller = Thread.currentThread();
      return hedge.call(attempt -> {
        started.countDown();
        caller.interrupt();
        return hang();
      });
    });

    assertThat(call).failsWithin(PATIENCE).withThrowableOfType(Exception.class)
        .withCauseInstanceOf(InterruptedException.class);
    awaitLatch(started);
    List<SpanData> spans = awaitSpans(2);
    SpanData callSpan = span(spans, "quotes");
    assertThat(callSpan.getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("cancelled");
    assertThat(callSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(callSpan.getEvents()).extracting(EventData::getName).containsExactly("cancelled");
    assertThat(attempt(spans, 0).getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("cancelled");
  }

  @Test
  void cancellingTheFutureInterruptsTheAttemptsAndEndsTheSpansCancelled() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).delay(Duration.ofMinutes(1)).build());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      started.countDown();
      try {
        return hang();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    });
    awaitLatch(started);

    assertThat(call.cancel(true)).isTrue();

    awaitLatch(interrupted);
    List<SpanData> spans = awaitSpans(2);
    assertThat(span(spans, "quotes").getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("cancelled");
    assertThat(attempt(spans, 0).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(call).isCancelled();
  }

  @Test
  void completingTheFutureFromOutsideInterruptsTheAttempts() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(1).build());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      started.countDown();
      try {
        return hang();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    });
    awaitLatch(started);

    assertThat(call.complete("from outside")).isTrue();

    awaitLatch(interrupted);
    assertThat(call.join()).isEqualTo("from outside");
    assertThat(span(awaitSpans(2), "quotes").getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("cancelled");
  }

  @Test
  void rejectedAndTimedOutAttemptsAreErrors() throws Exception {
    ManualTimeSource time = new ManualTimeSource();
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(3).noHedging()
        .attemptTimeout(Duration.ofSeconds(1)).rejectIf("503"::equals).timeSource(time).build());

    CountDownLatch secondStarted = new CountDownLatch(1);

    CompletableFuture<String> call = hedge.callAsync(attempt -> switch (attempt.index()) {
      case 0 -> "503";
      case 1 -> {
        secondStarted.countDown();
        yield hang();
      }
      default -> "200";
    });
    awaitLatch(secondStarted); // attempt 0 was rejected before its own attempt timeout came due
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));

    assertThat(call).succeedsWithin(PATIENCE).isEqualTo("200");
    List<SpanData> spans = awaitSpans(4);
    assertThat(attempt(spans, 0).getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("rejected");
    assertThat(attempt(spans, 0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempt(spans, 1).getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("timed_out");
    assertThat(attempt(spans, 1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span(spans, "quotes").getAttributes().get(HedgeTracing.CALL_FAILOVERS)).isEqualTo(2L);
  }

  @Test
  void theCallSpanHasEndedWhenTheCallReturnsAndItsFutureCompletes() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().build());

    hedge.call(() -> "sync");
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).contains("quotes");
    exporter.reset();
    CompletableFuture<HedgeResult<String>> async = hedge.callForResultAsync(() -> "async");
    assertThat(async.get(30, TimeUnit.SECONDS).value()).isEqualTo("async");
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).contains("quotes");
  }

  @Test
  void everyFormOfCallIsTracedAndReturnsWhatThePolicyReturns() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().build());
    CallOptions options = CallOptions.timeout(Duration.ofMinutes(1));
    assertThat(hedge.call(() -> "a")).isEqualTo("a");
    assertThat(hedge.call(attempt -> "b")).isEqualTo("b");
    assertThat(hedge.call(options, () -> "c")).isEqualTo("c");
    assertThat(hedge.call(options, attempt -> "d")).isEqualTo("d");
    assertThat(hedge.callAsync(() -> "e").get(30, TimeUnit.SECONDS)).isEqualTo("e");
    assertThat(hedge.callAsync(options, attempt -> "f").get(30, TimeUnit.SECONDS)).isEqualTo("f");
    assertThat(hedge.callAsync(options, () -> "g").get(30, TimeUnit.SECONDS)).isEqualTo("g");
    assertThat(hedge.callForResult(() -> "h").winner()).isZero();
    assertThat(hedge.callForResult(attempt -> "i").value()).isEqualTo("i");
    assertThat(hedge.callForResult(options, () -> "j").value()).isEqualTo("j");
    assertThat(hedge.callForResult(options, attempt -> "k").value()).isEqualTo("k");
    assertThat(hedge.callForResultAsync(attempt -> "l").get(30, TimeUnit.SECONDS).value()).isEqualTo("l");
    assertThat(hedge.callForResultAsync(options, () -> "m").get(30, TimeUnit.SECONDS).value()).isEqualTo("m");
    assertThat(hedge.callForResultAsync(options, attempt -> "n").get(30, TimeUnit.SECONDS).value())
        .isEqualTo("n");

    List<SpanData> spans = awaitSpans(28);
    assertThat(spans).filteredOn(s -> s.getName().equals("quotes")).hasSize(14)
        .allSatisfy(s -> assertThat(s.getAttributes().get(HedgeTracing.CALL_OUTCOME)).isEqualTo("succeeded"));
  }

  @Test
  void aDeadlineThatHasPassedEndsTheCallSpanAtOnce() {
    TracedHedge<String> hedge = tracing.traced(policy().build());

    assertThatThrownBy(() -> hedge.call(CallOptions.deadline(dev.redundant.Deadline.after(Duration.ZERO)),
        () -> "never")).isInstanceOf(HedgeTimeoutException.class);

    List<SpanData> spans = awaitSpans(1);
    assertThat(span(spans, "quotes").getAttributes().get(HedgeTracing.CALL_ATTEMPTS)).isZero();
  }

  @Test
  void callsMadeOnThePolicyItselfMakeNoSpans() throws Exception {
    TracedHedge<String> hedge = tracing.traced(policy().maxAttempts(2).delay(Duration.ZERO).build());

    assertThat(hedge.hedge().call(() -> "untraced")).isEqualTo("untraced");
    hedge.call(() -> "traced");

    List<SpanData> spans = awaitSpans(3);
    assertThat(spans).filteredOn(s -> s.getName().equals("quotes")).hasSize(1);
  }

  @Test
  void withoutTheListenerTheSpansStillComeAndAttemptsEndWithTheCall() throws Exception {
    TracedHedge<String> hedge = tracing.traced(Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMinutes(1))
        .build());

    assertThat(hedge.call(attempt -> {
      if (attempt.index() == 0) {
        throw new IOException("down");
      }
      return "failover";
    })).isEqualTo("failover");

    List<SpanData> spans = awaitSpans(3);
    assertThat(attempt(spans, 0).getAttributes().get(HedgeTracing.ATTEMPT_OUTCOME)).isEqualTo("failed");
    assertThat(attempt(spans, 1).getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER)).isEqualTo("failover");
  }

  @Test
  void aCallTheSamplerDropsMakesNoSpansButItsAttemptsStillSeeTheCallersContext() throws Exception {
    try (SdkTracerProvider sampledOut = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      HedgeTracing dropped = HedgeTracing.create(OpenTelemetrySdk.builder().setTracerProvider(sampledOut).build(),
          "quotes");
      TracedHedge<String> hedge = dropped.traced(Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
          .listener(dropped).build());
      Map<Integer, String> baggageSeen = new ConcurrentHashMap<>();

      String value;
      try (Scope scope = Baggage.builder().put("tenant", "acme").build().makeCurrent()) {
        value = hedge.call(attempt -> {
          baggageSeen.put(attempt.index(), Objects.requireNonNullElse(Baggage.current().getEntryValue("tenant"),
              "-"));
          return attempt.index() == 0 ? "first" : hang();
        });
      }

      assertThat(value).isEqualTo("first");
      assertThat(baggageSeen).containsEntry(0, "acme").allSatisfy((index, tenant) -> assertThat(tenant)
          .isEqualTo("acme"));
      assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
  }

  @Test
  void withOnlyTheApiTheSpansAreNoOps() throws Exception {
    HedgeTracing noop = HedgeTracing.create(OpenTelemetry.noop(), "quotes");
    TracedHedge<String> hedge = noop.traced(Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .listener(noop).build());

    assertThat(hedge.call(() -> "x")).isEqualTo("x");
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void invalidArgumentsAreRejectedByNameAndMakeNoSpan() {
    assertThatThrownBy(() -> HedgeTracing.create(null, "p")).hasMessageContaining("openTelemetry");
    assertThatThrownBy(() -> HedgeTracing.create(openTelemetry, null)).hasMessageContaining("policy");
    assertThatThrownBy(() -> HedgeTracing.create(openTelemetry, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy");
    assertThatThrownBy(() -> tracing.traced(null)).hasMessageContaining("hedge");
    TracedHedge<String> hedge = tracing.traced(policy().build());
    assertThatThrownBy(() -> hedge.call((dev.redundant.AttemptTask<String>) null)).hasMessageContaining("task");
    assertThatThrownBy(() -> hedge.callAsync((Callable<String>) null)).hasMessageContaining("task");
    assertThatThrownBy(() -> hedge.call(null, () -> "x")).hasMessageContaining("options");
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(tracing).hasToString("HedgeTracing[policy=quotes]");
    assertThat(hedge.toString()).startsWith("TracedHedge[HedgeTracing[policy=quotes], Hedge[");
  }

  // ---------------------------------------------------------------- helpers

  private List<SpanData> awaitSpans(int count) {
    await().atMost(PATIENCE).until(() -> exporter.getFinishedSpanItems().size() >= count);
    return exporter.getFinishedSpanItems();
  }

  private static SpanData span(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).reduce((a, b) -> {
      throw new AssertionError("two spans named " + name + ": " + spans);
    }).orElseThrow(() -> new AssertionError("no span named " + name + " in " + spans));
  }

  private static SpanData attempt(List<SpanData> spans, int index) {
    return spans.stream()
        .filter(s -> s.getName().equals("quotes attempt")
            && Long.valueOf(index).equals(s.getAttributes().get(HedgeTracing.ATTEMPT_INDEX)))
        .findFirst().orElseThrow(() -> new AssertionError("no span of attempt " + index + " in " + spans));
  }

  /** The call span's skipped attempts, as "trigger index: reason". */
  private static List<String> skips(SpanData call) {
    Function<EventData, String> describe = e -> e.getAttributes().get(HedgeTracing.ATTEMPT_TRIGGER) + " "
        + e.getAttributes().get(HedgeTracing.ATTEMPT_INDEX) + ": " + e.getAttributes().get(HedgeTracing.SKIP_REASON);
    return call.getEvents().stream().filter(e -> e.getName().equals("attempt skipped")).map(describe).toList();
  }
}
