package dev.redundant;

import static dev.redundant.Callers.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 8 §1 and §2: the fatal failure is the cause of {@link FatalFailureException}; an error that
 * must not be failed over from ends the call at once and reaches the caller as itself.
 */
class FatalCauseTest {

  @ParameterizedTest
  @EnumSource(Caller.class)
  void theFatalFailureIsTheCauseAndTheOthersAreSuppressed(Caller mode) throws Exception {
    IOException first = new IOException("connection refused");
    IllegalArgumentException fatal = new IllegalArgumentException("unknown symbol ???");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(IllegalArgumentException.class::isInstance).build();
    FatalFailureException thrown = (FatalFailureException) failureOf(mode.start(hedge, attempt -> {
      if (attempt.index() == 0) {
        throw first;
      }
      throw fatal;
    }));
    assertThat(thrown.getCause()).isSameAs(fatal);
    assertThat(thrown.fatalFailure()).isSameAs(fatal);
    assertThat(thrown.getSuppressed()).containsExactly(first);
    assertThat(thrown.failures()).containsExactly(first, fatal);
    String message = thrown.getMessage();
    assertThat(message).startsWith("Fatal failure of attempt 1 ended the call:");
    assertThat(message.split(java.util.regex.Pattern.quote(fatal.toString()), -1)).hasSize(2); // once
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aVirtualMachineErrorEndsTheCallAtOnceAndReachesTheCaller(Caller mode) throws Exception {
    assertEndsTheCall(mode, new OutOfMemoryError("simulated"));
    assertEndsTheCall(mode, new StackOverflowError());
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void anAssertionErrorEndsTheCallAtOnceAndReachesTheCaller(Caller mode) throws Exception {
    assertEndsTheCall(mode, new AssertionError("expected 2 but was 3"));
  }

  /** Attempt 0 throws {@code error}; no failover starts, attempt 1 (a hedge) is interrupted. */
  private static void assertEndsTheCall(Caller mode, Error error) throws Exception {
    AtomicInteger started = new AtomicInteger();
    CountDownLatch hedgeStarted = new CountDownLatch(1);
    CountDownLatch hedgeInterrupted = new CountDownLatch(1);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3)
        .delay(i -> i == 1 ? Duration.ZERO : Duration.ofHours(1)).build();
    Throwable thrown = failureOf(mode.start(hedge, attempt -> {
      started.incrementAndGet();
      if (attempt.index() == 1) {
        hedgeStarted.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          hedgeInterrupted.countDown();
        }
        return "hedge";
      }
      hedgeStarted.await();
      throw error;
    }));
    assertThat(thrown).isSameAs(error);
    assertThat(hedgeInterrupted.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(started).hasValue(2); // no failover to attempt 2
  }
}
