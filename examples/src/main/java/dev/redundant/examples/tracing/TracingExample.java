package dev.redundant.examples.tracing;

import dev.redundant.Hedge;
import dev.redundant.opentelemetry.HedgeTracing;
import dev.redundant.opentelemetry.TracedHedge;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The span tree of one hedged call whose hedge won, traced by the library's {@link HedgeTracing} on the
 * OpenTelemetry SDK (an in-memory exporter, so nothing leaves the process). A request span is current when
 * the call starts; each attempt calls a "replica" through a client span of its own, as an instrumented
 * HTTP client would, and that span nests under the attempt's span. Replica 0 is slow (10 s); the hedge
 * starts after 50 ms, its replica answers in 20 ms and wins; attempt 0 is interrupted and its span says it
 * was cancelled, without an error.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.tracing.TracingExample
 * </pre>
 */
public final class TracingExample {
  private static final AttributeKey<Long> REPLICA = AttributeKey.longKey("replica");

  private TracingExample() {}

  /**
   * Runs the example and prints the span tree.
   *
   * @param args ignored
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    System.out.print(tree(run(), true));
  }

  /** Makes the traced call; returns every span once all have ended (the loser's once it saw its interrupt). */
  static List<SpanData> run() throws InterruptedException {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
      Tracer app = openTelemetry.getTracer("example");

      // The binding: two lines.
      HedgeTracing tracing = HedgeTracing.create(openTelemetry, "quotes");
      TracedHedge<String> quotes = tracing.traced(Hedge.<String>builder().maxAttempts(3)
          .delay(Duration.ofMillis(50)).listener(tracing).build());

      Span request = app.spanBuilder("GET /portfolio").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope scope = request.makeCurrent()) {
        String quote = quotes.call(attempt -> {
          // what an instrumented HTTP client does: a client span under the current context
          Span client = app.spanBuilder("GET /quote").setSpanKind(SpanKind.CLIENT)
              .setAttribute(REPLICA, (long) attempt.index()).startSpan();
          try (Scope inClient = client.makeCurrent()) {
            Thread.sleep(attempt.index() == 0 ? 10_000 : 20); // replica 0 is slow
            return "ACME 101.50 from replica " + attempt.index();
          } catch (InterruptedException e) {
            client.addEvent("interrupted: the request was abandoned");
            throw e;
          } finally {
            client.end();
          }
        });
        request.setAttribute("quote", quote);
      } finally {
        request.end();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (exporter.getFinishedSpanItems().size() < 6 && System.nanoTime() < deadline) {
        Thread.sleep(5); // the loser's spans end once its thread has seen the interrupt
      }
      return exporter.getFinishedSpanItems();
    }
  }

  /**
   * Prints spans as a tree, children in the order they started.
   *
   * @param spans the spans of one trace
   * @param durations whether to print each span's duration
   * @return one line per span
   */
  static String tree(List<SpanData> spans, boolean durations) {
    Map<String, List<SpanData>> children = spans.stream().collect(Collectors.groupingBy(SpanData::getParentSpanId));
    StringBuilder out = new StringBuilder();
    spans.stream().filter(s -> !s.getParentSpanContext().isValid())
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(root -> print(root, children, "", "", durations, out));
    return out.toString();
  }

  private static void print(SpanData span, Map<String, List<SpanData>> children, String lead, String childLead,
      boolean durations, StringBuilder out) {
    out.append(lead).append(describe(span, durations)).append('\n');
    List<SpanData> mine = new ArrayList<>(children.getOrDefault(span.getSpanId(), List.of()));
    mine.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    for (int i = 0; i < mine.size(); i++) {
      boolean last = i == mine.size() - 1;
      print(mine.get(i), children, childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "),
          durations, out);
    }
  }

  private static String describe(SpanData span, boolean durations) {
    StringJoiner line = new StringJoiner("  ");
    line.add(span.getName() + " (" + span.getKind().name().toLowerCase(java.util.Locale.ROOT) + ")");
    if (durations) {
      line.add(String.format(java.util.Locale.ROOT, "%.1f ms",
          (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
    }
    StringJoiner attributes = new StringJoiner(", ", "{", "}");
    Map<String, Object> sorted = new TreeMap<>();
    span.getAttributes().forEach((key, value) -> sorted.put(key.getKey(), value));
    sorted.forEach((key, value) -> attributes.add(key + "=" + value));
    if (span.getAttributes().size() > 0) {
      line.add(attributes.toString());
    }
    if (span.getStatus().getStatusCode() != StatusCode.UNSET) {
      line.add("status " + span.getStatus().getStatusCode());
    }
    if (!span.getEvents().isEmpty()) {
      line.add("events " + span.getEvents().stream().map(EventData::getName).toList());
    }
    return line.toString();
  }
}
