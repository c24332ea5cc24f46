package dev.redundant;

import static dev.redundant.Patiently.PATIENCE;
import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The clock of asynchronous calls on the system clock: a call starts its one watcher thread only when its
 * first event (a hedge, a timeout) is due, from the library's shared timer, so that a call decided before
 * then starts no thread at all; every event still fires, none early.
 */
class AsyncClockWatcherTest {
  private static final Duration HOUR = Duration.ofHours(1);

  /** Virtual threads started while {@code body} ran, counted by the JDK's flight recorder. */
  private static long virtualThreadsStartedDuring(Runnable body) throws Exception {
    try (Recording recording = new Recording()) {
      recording.enable("jdk.VirtualThreadStart");
      recording.start();
      body.run();
      recording.stop();
      java.nio.file.Path file = java.nio.file.Files.createTempFile("watchers", ".jfr");
      try {
        recording.dump(file);
        long starts = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
          starts += event.getEventType().getName().equals("jdk.VirtualThreadStart") ? 1 : 0;
        }
        return starts;
      } finally {
        java.nio.file.Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void aCallDecidedBeforeItsHedgeIsDueStartsNoThread() throws Exception {
    Hedge<Integer> hedge = Hedge.<Integer>builder().maxAttempts(2).delay(HOUR).timeout(Duration.ofHours(2)).build();
    int calls = 1_000;
    long started = virtualThreadsStartedDuring(() -> {
      for (int i = 0; i < calls; i++) {
        CompletableFuture<Integer> reply = new CompletableFuture<>();
        CompletableFuture<Integer> call = hedge.callStage(attempt -> reply);
        reply.complete(i); // after the call started: it had to schedule its watcher
        assertThat(call.join()).isEqualTo(i);
      }
    });
    // One watcher per call before (1,000); now none, give or take threads of other work in the JVM.
    assertThat(started).as("virtual threads started by %s calls", calls).isLessThan(calls / 10);
  }

  @Test
  void aHedgeStartsWhenItsDelayIsDueAndNotBefore() throws Exception {
    Duration delay = Duration.ofMillis(100);
    List<Duration> hedgeStarts = new ArrayList<>();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(delay).build();
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> stage = hedge.callStage(attempt -> {
      if (attempt.index() == 0) {
        return never;
      }
      synchronized (hedgeStarts) {
        hedgeStarts.add(attempt.sinceCallStart());
      }
      return CompletableFuture.completedFuture("hedge");
    });
    CompletableFuture<String> blocking = hedge.callAsync(attempt -> {
      if (attempt.index() == 0) {
        new CountDownLatch(1).await(); // until cancelled
      }
      synchronized (hedgeStarts) {
        hedgeStarts.add(attempt.sinceCallStart());
      }
      return "hedge";
    });

    assertThat(stage.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(blocking.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hedge");
    assertThat(never).isCancelled();
    synchronized (hedgeStarts) {
      assertThat(hedgeStarts).hasSize(2).allSatisfy(at -> assertThat(at).isGreaterThanOrEqualTo(delay));
    }
  }

  @Test
  void callsWithManyDelaysEachGetTheirHedgeInTheOrderTheyAreDue() throws Exception {
    // Calls of several policies interleaved, so that the shared timer holds entries due in every order.
    int calls = 300;
    List<CompletableFuture<String>> results = new ArrayList<>();
    AtomicInteger hedges = new AtomicInteger();
    for (int i = 0; i < calls; i++) {
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(1 + (i * 7) % 50)).build();
      results.add(hedge.callStage(attempt -> {
        if (attempt.index() == 0) {
          return new CompletableFuture<>(); // never answers: only the hedge can win
        }
        hedges.incrementAndGet();
        return CompletableFuture.completedFuture("hedge");
      }));
    }
    for (CompletableFuture<String> result : results) {
      assertThat(result.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hedge");
    }
    assertThat(hedges).hasValue(calls);
  }

  @Test
  void aFailoverOfAnAsyncCallIsWatchedForItsAttemptTimeout() {
    // Attempt 0 fails at once, as the call starts; the failover never answers, and its own attempt timeout
    // must be watched from then on. (The failover may time out before its task is even invoked, on a
    // loaded machine: only the call's outcome is asserted.)
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).noHedging().attemptTimeout(Duration.ofMillis(1))
        .build();
    CompletableFuture<String> call = hedge.callStage(attempt -> attempt.index() == 0
        ? CompletableFuture.failedFuture(new java.io.IOException("down")) : new CompletableFuture<>());

    assertThat(call).failsWithin(PATIENCE).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(AllAttemptsFailedException.class, failed -> assertThat(failed.failures())
            .hasSize(2).satisfies(f -> assertThat(f.get(1)).isInstanceOf(AttemptTimeoutException.class)));
  }

  @Test
  void theTimerHoldsNoCallThatWasDecided() {
    Hedge<Object> hedge = Hedge.builder().maxAttempts(2).delay(HOUR).build();
    WeakReference<Object> decidedValue = callDecidedAfterItStarted(hedge);
    // The call's entry waits an hour in the shared timer; it must not keep the call (and its value) alive.
    patiently().untilAsserted(() -> {
      System.gc();
      assertThat(decidedValue.get()).isNull();
    });
  }

  /** Makes a call whose watcher waits for its hedge, decides it, and forgets everything of it but its value. */
  private static WeakReference<Object> callDecidedAfterItStarted(Hedge<Object> hedge) {
    Object value = new Object();
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<Object> call = hedge.callStage(attempt -> reply);
    reply.complete(value);
    assertThat(call.join()).isSameAs(value);
    return new WeakReference<>(value);
  }
}
