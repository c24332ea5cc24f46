package dev.redundant;

import static dev.redundant.Callers.failureOf;
import static dev.redundant.Callers.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.redundant.Callers.Caller;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * User code (a failure's toString, predicates, listeners, close(), a TimeSource, a
 * ThreadFactory) never breaks the engine's bookkeeping, hangs a call or loses a failure. Each test
 * failed before its fix.
 */
class MisbehavingUserCodeTest {

  /** A failure whose message and description throw. */
  static final class UnprintableException extends RuntimeException {
    UnprintableException() {
      super(null, null, false, false);
    }

    @Override
    public String getMessage() {
      throw new IllegalStateException("getMessage is broken");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("toString is broken");
    }
  }

  /** A value holding a resource. */
  static final class Resource implements AutoCloseable {
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(Patiently.PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("latch").isTrue();
  }

  /** A time source that reads {@code nanoTime} and parks on the system clock. */
  private static TimeSource nanoTimeBy(java.util.function.LongSupplier nanoTime) {
    return new TimeSource() {
      @Override
      public long nanoTime() {
        return nanoTime.getAsLong();
      }

      @Override
      public void parkUntil(long deadlineNanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(this, deadlineNanos - nanoTime());
      }
    };
  }

  // ---------------------------------------------------------------- the order of events

  /** A dependent stage of an async call runs after the losers were interrupted, on success and failure. */
  @ParameterizedTest
  @EnumSource(names = {"ASYNC"})
  void aDependentStageFindsTheLosersInterrupted(Caller mode) throws Exception {
    for (boolean success : new boolean[] {true, false}) {
      CountDownLatch stageRegistered = new CountDownLatch(1);
      AtomicReference<Thread> loser = new AtomicReference<>();
      AtomicBoolean loserSawInterrupt = new AtomicBoolean();
      CountDownLatch loserStarted = new CountDownLatch(1);
      CountDownLatch loserMayEnd = new CountDownLatch(1);
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
          .fatalIf(IllegalArgumentException.class::isInstance).build();
      CompletableFuture<String> call = hedge.callAsync(attempt -> {
        if (attempt.index() == 1) {
          loser.set(Thread.currentThread());
          loserStarted.countDown();
          while (!Thread.currentThread().isInterrupted()) { // park keeps the flag set
            java.util.concurrent.locks.LockSupport.park();
          }
          loserSawInterrupt.set(true);
          awaitUninterruptibly(loserMayEnd);
          return "loser";
        }
        awaitLatch(loserStarted);
        awaitLatch(stageRegistered);
        if (!success) {
          throw new IllegalArgumentException("fatal");
        }
        return "winner";
      });
      CompletableFuture<Boolean> loserInterruptedInStage =
          call.handle((v, e) -> loser.get().isInterrupted() || loserSawInterrupt.get());
      stageRegistered.countDown();
      assertThat(loserInterruptedInStage.get(30, TimeUnit.SECONDS)).as("success=" + success).isTrue();
      loserMayEnd.countDown();
    }
  }

  // ---------------------------------------------------------------- failures that cannot be printed

  @ParameterizedTest
  @EnumSource(Caller.class)
  void failuresWhoseToStringThrowsAreAllReported(Caller mode) throws Exception {
    UnprintableException first = new UnprintableException();
    UnprintableException second = new UnprintableException();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).build();
    Throwable thrown = failureOf(mode.start(hedge, attempt -> {
      throw attempt.index() == 0 ? first : second;
    }));
    assertThat(thrown).isExactlyInstanceOf(AllAttemptsFailedException.class);
    assertThat(((AllAttemptsFailedException) thrown).failures()).containsExactlyInAnyOrder(first, second);
    assertThat(thrown.getMessage()).contains(UnprintableException.class.getName());
  }

  // ---------------------------------------------------------------- fatal predicates that rethrow

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFatalPredicateThatRethrowsItsArgumentEndsTheCallWithoutChangingTheFailure(Caller mode)
      throws Exception {
    IOException shared = new IOException("preallocated");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(failure -> {
          throw new IllegalStateException("predicate bug");
        }).build();
    for (int i = 0; i < 20; i++) {
      Throwable thrown = failureOf(mode.start(hedge, attempt -> {
        throw shared;
      }));
      assertThat(thrown).isExactlyInstanceOf(FatalFailureException.class);
      assertThat(((FatalFailureException) thrown).fatalFailure()).isSameAs(shared);
      assertThat(thrown.getSuppressed()).extracting(Throwable::getMessage).containsExactly("predicate bug");
    }
    assertThat(shared.getSuppressed()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFatalPredicateThatThrowsTheFailureItselfDoesNotHang(Caller mode) throws Exception {
    IllegalStateException failure = new IllegalStateException("the task's own");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ofHours(1))
        .fatalIf(f -> {
          throw (IllegalStateException) f;
        }).build();
    Throwable thrown = failureOf(mode.start(hedge, attempt -> {
      throw failure;
    }));
    assertThat(thrown).isExactlyInstanceOf(FatalFailureException.class);
    assertThat(thrown.getCause()).isSameAs(failure);
    assertThat(failure.getSuppressed()).isEmpty();
  }

  // ---------------------------------------------------------------- a future completed from outside

  @Test
  void aDecidedWinnerIsDiscardedWhenTheFutureWasCompletedFromOutsideMeanwhile() throws Exception {
    Resource winner = new Resource();
    CountDownLatch loserStarted = new CountDownLatch(1);
    CountDownLatch loserInterrupted = new CountDownLatch(1);
    CountDownLatch loserMayEnd = new CountDownLatch(1);
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO)
        .waitForLosers(true).build();
    CompletableFuture<Resource> call = hedge.callAsync(attempt -> {
      if (attempt.index() == 1) {
        loserStarted.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          loserInterrupted.countDown(); // the call is decided: the winner was accepted
          awaitUninterruptibly(loserMayEnd);
        }
        return null;
      }
      awaitLatch(loserStarted);
      return winner;
    });
    awaitLatch(loserInterrupted);
    call.completeExceptionally(new java.util.concurrent.TimeoutException("orTimeout")); // as orTimeout does
    loserMayEnd.countDown();
    await().atMost(Patiently.PATIENCE).until(() -> winner.closed.get() == 1);
  }

  // ---------------------------------------------------------------- values returned twice

  @ParameterizedTest
  @EnumSource(Caller.class)
  void theValueReturnedIsNeverClosedWhenALoserReturnsTheSameObject(Caller mode) throws Exception {
    Resource shared = new Resource();
    CountDownLatch loserMayReturn = new CountDownLatch(1);
    CountDownLatch runsEnded = new CountDownLatch(2);
    Hedge<Resource> hedge = Hedge.<Resource>builder().maxAttempts(2).delay(Duration.ZERO)
        .executor(runEndsCounted(runsEnded)).build();
    CountDownLatch loserStarted = new CountDownLatch(1);
    CompletableFuture<Resource> call = mode.start(hedge, attempt -> {
      if (attempt.index() == 1) {
        loserStarted.countDown();
        awaitUninterruptibly(loserMayReturn);
      } else {
        awaitLatch(loserStarted);
      }
      return shared; // attempt 1's after the winner's: a loser
    });
    assertThat(valueOf(call)).isSameAs(shared);
    loserMayReturn.countDown();
    awaitLatch(runsEnded); // the loser's discard is done when its run has ended
    assertThat(shared.closed).hasValue(0);
  }

  /** Runs each attempt on a new virtual thread and counts down when its run (discards included) ended. */
  private static java.util.concurrent.Executor runEndsCounted(CountDownLatch runsEnded) {
    return task -> Thread.ofVirtual().start(() -> {
      try {
        task.run();
      } finally {
        runsEnded.countDown();
      }
    });
  }

  // ---------------------------------------------------------------- blocking predicates of losers

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aBlockingRejectPredicateOfALoserIsInterruptedWhenAnotherAttemptWins(Caller mode) throws Exception {
    CountDownLatch predicateEntered = new CountDownLatch(1);
    CountDownLatch predicateInterrupted = new CountDownLatch(1);
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .rejectIf(value -> {
          if (!value.equals("slow to check")) {
            return false;
          }
          predicateEntered.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            predicateInterrupted.countDown();
          }
          return true;
        }).build();
    CompletableFuture<String> call = mode.start(hedge, attempt -> {
      if (attempt.index() == 0) {
        return "slow to check";
      }
      awaitLatch(predicateEntered);
      return "ok";
    });
    assertThat(valueOf(call)).isEqualTo("ok");
    awaitLatch(predicateInterrupted);
  }

  /**
   * A failure that races a fatal end is either in failures() (and told to the listener as failed) or
   * reported cancelled (and not told as failed). The time source stalls attempt 1 while it records its
   * failure, until the fatal end of attempt 0 was decided.
   */
  @Test
  void aFailureRacingAFatalEndIsReportedConsistently() throws Exception {
    ThreadLocal<Boolean> stallHere = ThreadLocal.withInitial(() -> false);
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch callFinished = new CountDownLatch(1);
    TimeSource stalling = nanoTimeBy(() -> {
      if (stallHere.get()) {
        stallHere.set(false);
        stalled.countDown();
        try {
          callFinished.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // cancelled: the attempt's outcome is the canceller's
        }
      }
      return System.nanoTime();
    });
    Set<Integer> toldFailed = ConcurrentHashMap.newKeySet();
    IOException ordinary = new IOException("ordinary");
    IllegalArgumentException fatal = new IllegalArgumentException("fatal");
    AtomicReference<Thread> secondThread = new AtomicReference<>();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).timeSource(stalling)
        .fatalIf(IllegalArgumentException.class::isInstance)
        .listener(new HedgeListener() {
          @Override
          public void onAttemptFailed(Attempt attempt, AttemptReport report) {
            toldFailed.add(attempt.index());
          }

          @Override
          public void onCallFinished(CallSummary summary) {
            callFinished.countDown();
          }
        }).build();
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      switch (attempt.index()) {
        case 1 -> {
          secondThread.set(Thread.currentThread());
          stallHere.set(true);
          throw ordinary;
        }
        case 0 -> {
          awaitLatch(stalled);
          throw fatal;
        }
        default -> {
          new CountDownLatch(1).await();
          return "never";
        }
      }
    });
    FatalFailureException thrown = (FatalFailureException) failureOf(call);
    // attempt 1 goes on after the decision: once its thread ended, it had its chance to tell the listener
    assertThat(secondThread.get().join(Patiently.PATIENCE)).isTrue();
    List<Integer> inFailures = thrown.attempts().stream().filter(r -> r.failure() != null)
        .map(AttemptReport::index).toList();
    assertThat(inFailures).containsAll(toldFailed);
    assertThat(toldFailed).containsExactly(0);
  }

  // ---------------------------------------------------------------- the listener's order of events

  @Test
  void theListenerSeesEveryStartBeforeItsCancellationAndTheCallsEndLast() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    HedgeListener recorder = new HedgeListener() {
      @Override
      public void onAttemptStarted(Attempt attempt) {
        events.add("started" + attempt.index());
      }

      @Override
      public void onAttemptSucceeded(Attempt attempt, Duration duration) {
        events.add("succeeded" + attempt.index());
      }

      @Override
      public void onAttemptCancelled(Attempt attempt) {
        events.add("cancelled" + attempt.index());
      }

      @Override
      public void onCallFinished(CallSummary summary) {
        events.add("finished" + summary.attemptsStarted());
      }
    };
    // Attempt 0 runs inline and wins before attempt 1 is handed over: the most adverse order.
    AtomicInteger handed = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).listener(recorder)
        .executor(task -> {
          if (handed.getAndIncrement() == 0) {
            task.run();
          } else {
            Thread.ofVirtual().start(task);
          }
        }).build();
    assertThat(hedge.call(attempt -> "w" + attempt.index())).isEqualTo("w0");
    assertThat(events).containsExactly("started0", "started1", "cancelled1", "succeeded0", "finished2");
  }

  // ---------------------------------------------------------------- time sources that throw

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aTimeSourceWhoseParkThrowsEndsTheCallAndInterruptsTheAttempts(Caller mode) throws Exception {
    IllegalStateException broken = new IllegalStateException("parkUntil is broken");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    TimeSource system = TimeSource.system();
    TimeSource throwingPark = new TimeSource() {
      @Override
      public long nanoTime() {
        return system.nanoTime();
      }

      @Override
      public void parkUntil(long deadlineNanos) {
        try {
          awaitLatch(started); // the attempt runs its task before the clock breaks
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw broken;
      }
    };
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1))
        .timeSource(throwingPark).build();
    CompletableFuture<String> call = mode.start(hedge, attempt -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      return "never";
    });
    assertThat(failureOf(call)).isSameAs(broken);
    awaitLatch(started);
    awaitLatch(interrupted);
  }

  @Test
  void aTimeSourceThatThrowsWhileALoserIsCancelledLeavesNoThreadSpinning() throws Exception {
    ThreadLocal<Boolean> broken = ThreadLocal.withInitial(() -> false);
    TimeSource throwingAfterAWin = nanoTimeBy(() -> {
      if (broken.get()) {
        throw new IllegalStateException("nanoTime is broken");
      }
      return System.nanoTime();
    });
    CountDownLatch loserStarted = new CountDownLatch(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .timeSource(throwingAfterAWin)
        .threadFactory(task -> {
          Thread thread = Thread.ofPlatform().daemon().unstarted(task);
          threads.add(thread);
          return thread;
        }).build();
    String value = hedge.call(attempt -> {
      if (attempt.index() == 1) {
        loserStarted.countDown();
        new CountDownLatch(1).await();
      }
      awaitLatch(loserStarted);
      broken.set(true); // from here on this thread's clock readings throw: while it cancels the loser
      return "winner";
    });
    assertThat(value).isEqualTo("winner");
    assertThat(threads).hasSize(2);
    await().atMost(Patiently.PATIENCE).until(() -> threads.stream().noneMatch(Thread::isAlive));
  }

  // ---------------------------------------------------------------- serialization

  @Test
  void theExceptionsSurviveSerialization() throws Exception {
    IOException failure = new IOException("down");
    AttemptReport failed = new AttemptReport(0, AttemptReport.Outcome.FAILED, Duration.ofMillis(3), failure);
    AttemptReport cancelled = new AttemptReport(1, AttemptReport.Outcome.CANCELLED, Duration.ofMillis(1), null);
    List<AttemptReport> reports = List.of(failed, cancelled);

    AllAttemptsFailedException all = roundTrip(new AllAttemptsFailedException(reports));
    assertThat(all.attempts()).hasSize(2);
    assertThat(all.attempts().get(1)).isEqualTo(cancelled);
    assertThat(all.failures()).singleElement().isInstanceOf(IOException.class);
    assertThat(all.getCause()).isSameAs(all.failures().get(0)); // identity kept within the stream

    FatalFailureException fatal = roundTrip(new FatalFailureException(failure, reports));
    assertThat(fatal.fatalFailure()).isSameAs(fatal.failures().get(0)).hasMessage("down");
    HedgeTimeoutException timeout = roundTrip(new HedgeTimeoutException(Duration.ofSeconds(2), reports));
    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(timeout.attempts()).hasSize(2);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E roundTrip(E exception) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(exception);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (E) in.readObject();
    }
  }

  // ---------------------------------------------------------------- the caller's MDC

  @ParameterizedTest
  @EnumSource(Caller.class)
  void predicatesAndListenersOnAttemptThreadsRunWithTheCallersMdc(Caller mode) throws Exception {
    org.slf4j.spi.MDCAdapter previous = ThreadLocalMdcAdapter.install();
    try {
      Set<String> seen = ConcurrentHashMap.newKeySet();
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO)
          .executor(java.util.concurrent.ForkJoinPool.commonPool())
          .rejectIf(value -> {
            seen.add("rejectIf=" + org.slf4j.MDC.get("request"));
            return value.equals("bad");
          })
          .fatalIf(failure -> {
            seen.add("fatalIf=" + org.slf4j.MDC.get("request"));
            return false;
          })
          .listener(new HedgeListener() {
            @Override
            public void onAttemptFailed(Attempt attempt, AttemptReport report) {
              seen.add("onAttemptFailed=" + org.slf4j.MDC.get("request"));
            }
          }).build();
      CountDownLatch firstTwoEnded = new CountDownLatch(2);
      CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> {
        org.slf4j.MDC.put("request", "r-42");
        try {
          return mode == Caller.ASYNC ? hedge.callAsync(attempt -> script(attempt, firstTwoEnded)).join()
              : hedge.call(attempt -> script(attempt, firstTwoEnded));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        } finally {
          org.slf4j.MDC.clear();
        }
      }, Thread::startVirtualThread);
      assertThat(valueOf(call)).isEqualTo("good");
      assertThat(seen).containsExactlyInAnyOrder("rejectIf=r-42", "fatalIf=r-42", "onAttemptFailed=r-42");
    } finally {
      ThreadLocalMdcAdapter.restore(previous);
    }
  }

  private static String script(Attempt attempt, CountDownLatch firstTwoEnded) throws Exception {
    try {
      switch (attempt.index()) {
        case 0 -> {
          return "bad";
        }
        case 1 -> throw new IOException("down");
        default -> {
          awaitLatch(firstTwoEnded);
          return "good";
        }
      }
    } finally {
      if (attempt.index() < 2) {
        firstTwoEnded.countDown();
      }
    }
  }

  @Test
  void aThrowingRejectPredicateRejectsTheValueAndKeepsWhatItThrew() throws Exception {
    IllegalStateException predicateBug = new IllegalStateException("predicate bug");
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(1).rejectIf(v -> {
      throw predicateBug;
    }).build();
    AllAttemptsFailedException thrown = (AllAttemptsFailedException) failureOf(hedge.callAsync(a -> "v"));
    assertThat(thrown.failures()).singleElement().isInstanceOf(RejectedResultException.class)
        .extracting(Throwable::getCause).isSameAs(predicateBug);
  }

  // ---------------------------------------------------------------- failures that cannot be printed0

  @Test
  void aThreadFactoryThatReturnsStartedThreadsFailsClearlyAndItsTasksAreInterrupted() throws Exception {
    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    Set<Integer> interrupted = ConcurrentHashMap.newKeySet();
    AtomicInteger running = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO).waitForLosers(true)
        .threadFactory(task -> Thread.ofVirtual().start(task)).build();
    CompletableFuture<String> call = hedge.callAsync(attempt -> {
      running.incrementAndGet();
      ran.add(attempt.index());
      try {
        new CountDownLatch(1).await();
        return "never";
      } catch (InterruptedException e) {
        interrupted.add(attempt.index());
        throw e;
      } finally {
        running.decrementAndGet();
      }
    });
    AllAttemptsFailedException thrown = (AllAttemptsFailedException) failureOf(call);
    assertThat(thrown.failures()).hasSize(2).allSatisfy(failure -> assertThat(failure)
        .isInstanceOf(RejectedExecutionException.class).message().containsIgnoringCase("threadFactory"));
    assertThat(interrupted).isEqualTo(ran); // a task that ran anyway was interrupted
    assertThat(running).hasValue(0); // waitForLosers: the call ended after its tasks
  }
}
