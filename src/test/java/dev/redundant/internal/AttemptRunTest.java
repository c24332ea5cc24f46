package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.AttemptReport.Outcome;
import dev.redundant.AttemptTask;
import dev.redundant.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An attempt's state transitions, without threads: the executor only collects the attempts, and the test
 * runs, cancels or fails them on its own thread, one step at a time.
 */
class AttemptRunTest {
  private final List<Runnable> handedOver = new ArrayList<>();
  private final AtomicInteger taskRuns = new AtomicInteger();

  /** A one-attempt async call whose attempt waits in {@link #handedOver} until the test acts. */
  private CompletableFuture<String> call(AttemptTask<String> task) {
    PolicyRuntime config = new PolicyRuntime(1, new long[1], null, null, f -> false, null, null, false, null,
        handedOver::add, TimeSource.system(), false);
    AttemptTask<String> counted = attempt -> {
      taskRuns.incrementAndGet();
      return task.call(attempt);
    };
    return Race.callAsync(config, counted, TaskKind.ATTEMPT_TASK, Race.POLICY_LIMIT, false);
  }

  private AttemptRun attempt() {
    assertThat(handedOver).hasSize(1);
    return (AttemptRun) handedOver.get(0);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void activeToFinishedByItsOwnValue() throws Exception {
    CompletableFuture<String> future = call(attempt -> "v");
    AttemptRun run = attempt();
    assertThat(run.isActive()).isTrue();
    run.run();
    assertThat(run.isActive()).isFalse();
    assertThat(run.isCancelled()).isFalse();
    assertThat(run.cancel(Outcome.CANCELLED, null, 0)).isFalse(); // it owns its outcome
    assertThat(future.getNow("none")).isEqualTo("v");
  }

  @Test
  void activeToCancelledOnceAndTheTaskNeverStarts() {
    CompletableFuture<String> future = call(attempt -> "v");
    AttemptRun run = attempt();
    future.cancel(true); // the holder aborts the call: the attempt is cancelled
    assertThat(run.isCancelled()).isTrue();
    assertThat(run.cancel(Outcome.CANCELLED, null, 0)).isFalse();
    run.run();
    assertThat(taskRuns).hasValue(0);
    assertThat(run.report().outcome()).isEqualTo(Outcome.CANCELLED);
  }

  @Test
  void aFailedLaunchEndsTheAttemptAndARunAfterItNeverStartsTheTask() {
    CompletableFuture<String> future = call(attempt -> "v");
    AttemptRun run = attempt();
    RejectedExecutionException rejected = new RejectedExecutionException("full");
    run.launchFailed(rejected);
    run.run(); // an executor that runs it anyway
    assertThat(taskRuns).hasValue(0);
    assertThat(((AllAttemptsFailedException) failureOf(future)).failures()).containsExactly(rejected);
  }

  @Test
  void aLaunchFailureAfterTheRunStartedCancelsItWithAClearFailure() {
    CompletableFuture<String> future = call(attempt -> {
      attempt();
      ((AttemptRun) handedOver.get(0)).launchFailed(new IllegalThreadStateException()); // while it runs
      return "too late";
    });
    AttemptRun run = attempt();
    run.run();
    assertThat(Thread.interrupted()).as("the cancel's interrupt was cleared").isFalse();
    assertThat(run.report().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(((AllAttemptsFailedException) failureOf(future)).failures()).singleElement()
        .isInstanceOf(RejectedExecutionException.class)
        .extracting(Throwable::getCause).isInstanceOf(IllegalThreadStateException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aCancelFromInsideTheTaskLeavesNoInterruptOnTheThread() {
    AtomicInteger seen = new AtomicInteger();
    CompletableFuture<String>[] self = new CompletableFuture[1];
    self[0] = call(attempt -> {
      self[0].cancel(true);
      seen.set(Thread.currentThread().isInterrupted() ? 1 : 2);
      return "discarded";
    });
    attempt().run();
    assertThat(seen).hasValue(1); // the task saw its interrupt
    assertThat(Thread.interrupted()).as("cleared before the thread moves on").isFalse();
    assertThat(self[0]).isCancelled();
  }
}
