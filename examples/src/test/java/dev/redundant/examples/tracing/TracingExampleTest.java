package dev.redundant.examples.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracing example: one hedged call whose hedge won, as a span tree. */
class TracingExampleTest {

  @Test
  void theTreeShowsTheHedgeWinningAndTheCancelledFirstAttemptUnderTheRequest() throws Exception {
    List<SpanData> spans = TracingExample.run();

    String tree = TracingExample.tree(spans, false);
    assertThat(tree.lines()).hasSize(6);
    assertThat(tree).startsWith("GET /portfolio (server)  {quote=ACME 101.50 from replica 1}");
    assertThat(tree).contains("└─ quotes (internal)  {redundant.call.attempts=2, redundant.call.failovers=0,"
        + " redundant.call.hedges=1, redundant.call.outcome=succeeded, redundant.call.winner=1,"
        + " redundant.call.winner.trigger=hedge, redundant.policy=quotes}");
    assertThat(tree).contains("├─ quotes attempt (internal)  {redundant.attempt.index=0,"
        + " redundant.attempt.outcome=cancelled, redundant.attempt.trigger=first, redundant.policy=quotes}"
        + "  events [cancelled]");
    assertThat(tree).contains("│  └─ GET /quote (client)  {replica=0}  events [interrupted: the request was abandoned]");
    assertThat(tree).contains("└─ quotes attempt (internal)  {redundant.attempt.index=1,"
        + " redundant.attempt.outcome=succeeded, redundant.attempt.trigger=hedge, redundant.policy=quotes}");
    assertThat(tree).contains("      └─ GET /quote (client)  {replica=1}");
    assertThat(tree).doesNotContain("ERROR");
  }
}
