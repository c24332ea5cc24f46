package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer whose class path (or module path) holds only the library and slf4j-api builds and runs: the
 * optional Micrometer and OpenTelemetry jars are never needed unless their packages are used. Runs a small
 * program in a child JVM with java's source launcher, which compiles it against that path first.
 */
class NoOptionalDependenciesTest {
  private static final String CONSUMER = """
      import dev.redundant.Hedge;
      import dev.redundant.HedgeListener;
      import dev.redundant.HedgeStatistics;
      import dev.redundant.Redundant;
      import java.io.IOException;
      import java.time.Duration;
      import java.util.concurrent.atomic.AtomicInteger;

      public class Consumer {
        public static void main(String[] args) throws Exception {
          for (String absent : new String[] {"io.micrometer.core.instrument.MeterRegistry",
              "io.opentelemetry.api.OpenTelemetry", "io.opentelemetry.context.Context"}) {
            try {
              Class.forName(absent);
              throw new AssertionError(absent + " should not be on the path");
            } catch (ClassNotFoundException expected) {
              // the point of the test
            }
          }
          String raced = Redundant.firstSuccess(2, () -> "raced");
          AtomicInteger finished = new AtomicInteger();
          Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(1))
              .listener(HedgeListener.afterCall(summary -> finished.incrementAndGet())).build();
          String failedOver = hedge.call(attempt -> {
            if (attempt.index() == 0) {
              throw new IOException("down");
            }
            return "failed over";
          });
          String async = hedge.callAsync(() -> "async").get();
          HedgeStatistics stats = hedge.statistics();
          System.out.println("OK " + raced + ", " + failedOver + ", " + async + ", calls=" + stats.calls());
        }
      }
      """;

  @TempDir
  Path dir;

  @Test
  void aConsumerWithOnlyTheLibraryAndSlf4jOnItsClassPathBuildsAndRuns() throws Exception {
    assertThat(run("-cp", path(libraryClasses(), slf4jApi()))).contains("OK raced, failed over, async, calls=2");
  }

  @Test
  void aConsumerWithOnlyTheLibraryAndSlf4jOnItsModulePathBuildsAndRuns() throws Exception {
    // the module requires Micrometer and OpenTelemetry 'static': resolution must not ask for them
    assertThat(run("--module-path", path(libraryClasses(), slf4jApi()), "--add-modules", "dev.redundant"))
        .contains("OK raced, failed over, async, calls=2");
  }

  /** Runs the consumer with {@code pathOptions}; returns its output, after checking it exited with 0. */
  private String run(String... pathOptions) throws IOException, InterruptedException {
    Path source = dir.resolve("Consumer.java");
    Files.writeString(source, CONSUMER, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(pathOptions));
    command.add(source.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the child JVM ended").isTrue();
    assertThat(process.exitValue()).as("exit code of %s, output:%n%s", command, output).isZero();
    return output;
  }

  private static Path libraryClasses() throws URISyntaxException {
    return Path.of(Hedge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path slf4jApi() throws URISyntaxException {
    return Path.of(org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static String path(Path... entries) {
    return String.join(File.pathSeparator, java.util.Arrays.stream(entries).map(Path::toString).toList());
  }
}
