package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forms users write compile as documented: no type witness for the common case, a witness for a typed
 * {@code rejectIf}, and the rule that picks {@code call(AttemptTask)} or {@code call(Callable)}. The first
 * tests compile by being in this file; the last compiles snippets with javac to see its verdicts.
 */
class ApiTypeInferenceTest {

  record Quote(String symbol, long priceCents) {}

  /** A replica whose {@code quote} is overloaded, as many clients are. */
  static final class Replica {
    Quote quote() {
      return quote("ACME");
    }

    Quote quote(String symbol) {
      return new Quote(symbol, 100);
    }
  }

  @Test
  void theCommonCaseNeedsNoTypeWitness() throws Exception {
    Hedge<Quote> hedge = Hedge.builder().maxAttempts(3).build();
    Replica replica = new Replica();

    Quote q = hedge.call(attempt -> replica.quote());
    CompletableFuture<Quote> f = hedge.callAsync(() -> replica.quote("XYZ"));

    assertThat(q).isEqualTo(new Quote("ACME", 100));
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(new Quote("XYZ", 100));
  }

  @Test
  void oneBuilderBuildsPoliciesOfAnyType() throws Exception {
    HedgeBuilder<Object> builder = Hedge.builder().maxAttempts(2);
    Hedge<String> strings = builder.build();
    Hedge<Integer> numbers = builder.build();
    var objects = builder.build();

    assertThat(strings.call(() -> "text")).isEqualTo("text");
    assertThat(numbers.call(() -> 42)).isEqualTo(42);
    Object value = objects.call(() -> List.of());
    assertThat(value).isEqualTo(List.of());
  }

  @Test
  void aTypedRejectIfTakesAWitnessAndServesSubtypes() throws Exception {
    Hedge<Quote> typed = Hedge.<Quote>builder().maxAttempts(2).noHedging()
        .rejectIf(quote -> quote.priceCents() < 0).build();
    var inferred = Hedge.<Quote>builder().build();
    Hedge<CharSequence> wide = Hedge.<CharSequence>builder().rejectIf(CharSequence::isEmpty).build();
    Hedge<String> narrow = Hedge.<CharSequence>builder().maxAttempts(2).noHedging()
        .rejectIf(CharSequence::isEmpty).build();

    Quote q = typed.call(attempt -> new Quote("ACME", attempt.index() == 0 ? -1 : 7));
    Quote fromInferred = inferred.call(() -> new Quote("XYZ", 1));
    String s = narrow.call(attempt -> attempt.index() == 0 ? "" : "second");

    assertThat(q.priceCents()).isEqualTo(7);
    assertThat(fromInferred.symbol()).isEqualTo("XYZ");
    assertThat(s).isEqualTo("second");
    assertThat(wide.call(() -> new StringBuilder("sb")).toString()).isEqualTo("sb");
  }

  @Test
  void aLambdaPicksItsOverloadByItsParameters() throws Exception {
    Hedge<String> hedge = Hedge.builder().maxAttempts(1).build();
    Callable<String> callable = () -> "callable";
    AttemptTask<String> task = attempt -> "task " + attempt.index();
    Replica replica = new Replica();
    Hedge<Quote> quotes = Hedge.builder().maxAttempts(1).build();

    assertThat(hedge.call(() -> "no parameter")).isEqualTo("no parameter");
    assertThat(hedge.call(attempt -> "attempt " + attempt.index())).isEqualTo("attempt 0");
    assertThat(hedge.call(callable)).isEqualTo("callable");
    assertThat(hedge.call(task)).isEqualTo("task 0");
    assertThat(quotes.call(() -> replica.quote())).isEqualTo(replica.quote());
    assertThat(quotes.call((Callable<Quote>) replica::quote)).isEqualTo(replica.quote());
  }

  /** What the Hedge javadoc promises javac says about the two forms that fit both overloads. */
  @Test
  void anOverloadedMethodReferenceOrANullIsAmbiguousAndItsFixesCompile(@TempDir Path dir)
      throws IOException {
    String prelude = """
        package snippet;
        import dev.redundant.*;
        import java.util.concurrent.Callable;
        class Snippet {
          static String quote() { return "q"; }
          static String quote(Attempt attempt) { return "q" + attempt.index(); }
          static void use(Hedge<String> hedge) throws Exception {
        """;
    String ambiguous = compile(dir.resolve("ambiguous"), prelude + """
              hedge.call(Snippet::quote);
              hedge.call(null);
            }
          }
        """);
    String fixed = compile(dir.resolve("fixed"), prelude + """
              hedge.call(() -> quote());
              hedge.call(attempt -> quote(attempt));
              hedge.call((Callable<String>) Snippet::quote);
              hedge.call((AttemptTask<String>) Snippet::quote);
            }
          }
        """);

    // javac's raw diagnostics name the message key ("reference to call is ambiguous"), whatever the locale.
    assertThat(ambiguous.lines().filter(line -> line.contains(": compiler.err.")))
        .containsExactly("Snippet.java:8:12: compiler.err.ref.ambiguous: call, kindname.method, "
                + "call(dev.redundant.AttemptTask<? extends T>), dev.redundant.Hedge, kindname.method, "
                + "call(java.util.concurrent.Callable<? extends T>), dev.redundant.Hedge",
            "Snippet.java:9:12: compiler.err.ref.ambiguous: call, kindname.method, "
                + "call(dev.redundant.AttemptTask<? extends T>), dev.redundant.Hedge, kindname.method, "
                + "call(java.util.concurrent.Callable<? extends T>), dev.redundant.Hedge");
    assertThat(fixed).isEmpty();
  }

  /** Compiles one source file with javac, in process; returns javac's raw diagnostics. */
  private static String compile(Path dir, String source) throws IOException {
    Path file = dir.resolve("snippet/Snippet.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    StringWriter output = new StringWriter();
    try (PrintWriter out = new PrintWriter(output)) {
      ToolProvider.findFirst("javac").orElseThrow().run(out, out, "--release", "21", "-proc:none",
          "-XDrawDiagnostics", "-d", dir.toString(), "-classpath", System.getProperty("java.class.path"),
          file.toString());
    }
    return output.toString();
  }
}
