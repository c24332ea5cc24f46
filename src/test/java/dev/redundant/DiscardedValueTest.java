package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.stubborn;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Attempt.Trigger;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Values the caller never gets (rejected, or arriving after the call was decided) are closed. */
class DiscardedValueTest {

  /** A value that holds a resource. */
  static final class Resource implements AutoCloseable {
    final String name;
    final AtomicInteger closed = new AtomicInteger();

    Resource(String name) {
      this.name = name;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }

    @Override
    public String toString() {
      return "Resource[" + name + "]";
    }
  }

  @Test
  void aRejectedAutoCloseableIsClosedAndTheWinnerIsNot() throws Throwable {
    Resource rejected = new Resource("rejected");
    Resource accepted = new Resource("accepted");
    ScriptedTask<Resource> task = new ScriptedTask<Resource>().on(0, value(rejected)).on(1, value(accepted));
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .rejectIf(r -> r.name.equals("rejected")).build();

    assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).join()).isSameAs(accepted);
    assertThat(rejected.closed).hasValue(1);
    task.awaitNothingRunning();
    assertThat(accepted.closed).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aValueArrivingAfterTheWinnerIsClosed(Caller caller) throws Throwable {
    Resource winner = new Resource("winner");
    Resource late = new Resource("late");
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(loserIn, value(winner)))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value(late)).run(entry);
        });
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO).build();
    try {
      assertThat(caller.start(() -> hedge.call(task)).join()).isSameAs(winner);
      task.awaitInterrupted(1);
    } finally {
      release.countDown();
    }
    task.awaitThreadEnded(1);
    patiently().untilAsserted(() -> assertThat(late.closed).hasValue(1));
    assertThat(winner.closed).hasValue(0);
  }

  /**
   * The loser finishes on its own, before it is cancelled, just after the winner was chosen (while a
   * dependent stage of the future holds the winner's thread): its value loses the race and is closed.
   */
  @Test
  void aValueThatLosesTheRaceByAHairIsClosed() throws Exception {
    Resource winner = new Resource("winner");
    Resource late = new Resource("late");
    CountDownLatch win = new CountDownLatch(1);
    CountDownLatch loserMayReturn = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(win, value(winner)))
        .on(1, stubborn(loserMayReturn, value(late))); // ignores its interrupt: returns after the winner
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO).build();
    java.util.concurrent.CompletableFuture<Resource> future = hedge.callAsync(task);
    task.awaitStarted(2);
    java.util.concurrent.CompletableFuture<Void> held = future.thenRun(() -> {
      // runs on the winner's thread once the call is decided (and the loser interrupted)
      loserMayReturn.countDown();
      task.awaitThreadEnded(1);
    });
    win.countDown();

    assertThat(future.get(30, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(winner);
    held.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(late.closed).hasValue(1);
    assertThat(winner.closed).hasValue(0);
  }

  @Test
  void aValueArrivingAfterTheCallFailedIsClosed() throws Throwable {
    Resource late = new Resource("late");
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, after(loserIn, fail(new IllegalArgumentException("fatal"))))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value(late)).run(entry);
        });
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO)
        .fatalIf(IllegalArgumentException.class::isInstance).build();
    try {
      assertThat(Caller.PLATFORM.start(() -> hedge.call(task)).failure()).isInstanceOf(FatalFailureException.class);
      task.awaitInterrupted(1);
    } finally {
      release.countDown();
    }
    task.awaitThreadEnded(1);
    assertThat(late.closed).hasValue(1);
  }
}
