package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The library logs nothing above debug on the normal path (slf4j-simple prints info and above). */
class LoggingTest {

  @Test
  void theNormalPathLogsNothingAboveDebug() throws Throwable {
    try (CapturedStderr log = new CapturedStderr()) {
      // winners, losers interrupted, all failed, fatal, rejected, hedges, timeouts, cancellation
      for (int i = 0; i < 20; i++) {
        CountDownLatch loserIn = new CountDownLatch(1);
        ScriptedTask<String> task = new ScriptedTask<String>()
            .on(0, ScriptedTask.after(loserIn, ScriptedTask.value("w")))
            .on(1, entry -> {
              loserIn.countDown();
              return ScriptedTask.<String>hang().run(entry);
            });
        assertThat(Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build().call(task)).isEqualTo("w");
        task.awaitNothingRunning();
      }
      RedundantAsyncTest.unwrap(Redundant.firstSuccessAsync(3, () -> {
        throw new IOException("down");
      }));
      Hedge<String> classifying = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofMillis(1))
          .rejectIf("bad"::equals).fatalIf(IllegalArgumentException.class::isInstance).build();
      assertThat(classifying.call(attempt -> attempt.index() == 0 ? "bad" : "good")).isEqualTo("good");
      RedundantAsyncTest.unwrap(classifying.callAsync(attempt -> {
        throw new IllegalArgumentException("fatal");
      }));
      ManualTimeSource time = new ManualTimeSource();
      ScriptedTask<String> hanging = new ScriptedTask<String>().otherwise(ScriptedTask.hang());
      CompletableFuture<String> timed = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
          .attemptTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(5)).timeSource(time).build()
          .callAsync(hanging);
      hanging.awaitStarted(2);
      time.advance(Duration.ofSeconds(10));
      assertThat(RedundantAsyncTest.unwrap(timed)).isInstanceOf(AllAttemptsFailedException.class);
      CompletableFuture<String> cancelled = Redundant.firstSuccessAsync(2, () -> {
        Thread.sleep(Duration.ofMinutes(10));
        return "never";
      });
      cancelled.cancel(true);
      assertThat(cancelled.handle((v, e) -> e).get(30, TimeUnit.SECONDS)).isNotNull();
      hanging.awaitNothingRunning();

      assertThat(log.text()).doesNotContain("dev.redundant");
    }
  }
}
