package dev.redundant;

import static dev.redundant.Callers.failureOf;
import static dev.redundant.Callers.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code onDiscard} disposes of losing and rejected values instead of {@code close()}. */
class OnDiscardTest {

  /** A handle that is not AutoCloseable, like an HttpResponse&lt;InputStream&gt;. */
  record Handle(String name) {}

  @ParameterizedTest
  @EnumSource(Caller.class)
  void rejectedAndLosingValuesGoToOnDiscardAndTheWinnerNever(Caller mode) throws Exception {
    List<String> discarded = new CopyOnWriteArrayList<>();
    CountDownLatch loserStarted = new CountDownLatch(1);
    CountDownLatch rejectedDiscarded = new CountDownLatch(1);
    Hedge<Handle> hedge = Hedge.<Handle>builder().maxAttempts(3).delay(Duration.ZERO)
        .rejectIf(h -> h.name().equals("503"))
        .onDiscard(h -> {
          discarded.add(h.name());
          if (h.name().equals("503")) {
            rejectedDiscarded.countDown();
          }
        }).build();
    Handle winner = valueOf(mode.start(hedge, attempt -> switch (attempt.index()) {
      case 0 -> new Handle("503");
      case 1 -> {
        loserStarted.await();
        rejectedDiscarded.await();
        yield new Handle("winner");
      }
      default -> {
        loserStarted.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // cancelled: returns its value anyway, after the winner
        }
        yield new Handle("late");
      }
    }));
    assertThat(winner.name()).isEqualTo("winner");
    Awaitility.await().atMost(Patiently.PATIENCE).untilAsserted(() ->
        assertThat(discarded).containsExactlyInAnyOrder("503", "late"));
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aThrowingOnDiscardIsIgnored(Caller mode) throws Exception {
    Hedge<Handle> hedge = Hedge.<Handle>builder().maxAttempts(1).rejectIf(h -> true)
        .onDiscard(h -> {
          throw new IllegalStateException("discard is broken");
        }).build();
    Throwable thrown = failureOf(mode.start(hedge, attempt -> new Handle("bad")));
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
  }
}
