package dev.redundant.modelcheck;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import dev.redundant.HedgeBuilder;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeTimeoutException;
import dev.redundant.testing.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of a five-attempt policy with zero delay, in which every way a call can end races every other:
 *
 * <ul>
 * <li>attempt 0 succeeds;</li>
 * <li>attempt 1 fails;</li>
 * <li>attempt 2 fails with a failure the policy classifies as fatal;</li>
 * <li>attempt 3 is rejected by the executor (its launch throws);</li>
 * <li>attempt 4 blocks until interrupted (it stands for a slow attempt the call must cancel);</li>
 * <li>a cancelling thread cancels the call: {@code future.cancel(true)} for {@link CallStyle#ASYNC},
 *     an interrupt of the calling thread for {@link CallStyle#SYNC};</li>
 * <li>for {@link CallStyle#SYNC} only, a clock thread advances the {@link ManualTimeSource} past the call
 *     timeout, which the calling thread waits for. An async call with a timeout watches the clock from a
 *     virtual thread, and Lincheck 3.7 does not schedule virtual threads: such a scenario hangs.</li>
 * </ul>
 *
 * Every attempt runs on a platform thread that the scenario's executor starts and records, so the
 * scenario can join them all: an attempt that is never interrupted makes the join hang, which Lincheck
 * reports. Not thread-safe: one instance per explored schedule.
 */
final class DecisionScenario {
  /** How the call is made, and so what the caller's cancel is. */
  enum CallStyle { SYNC, ASYNC }

  private static final int ATTEMPTS = 5;
  private static final int REJECTED_LAUNCH = 3;
  private static final int SLOW_ATTEMPT = 4;
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final String WINNING_VALUE = "won";

  private final CallStyle style;
  private final boolean checkListenerAgrees;
  private final ManualTimeSource time = new ManualTimeSource();
  private final IllegalStateException failure = new IllegalStateException("attempt 1 fails");
  private final FatalMarker fatal = new FatalMarker();
  private final RejectedExecutionException rejection = new RejectedExecutionException("launch 3 rejected");
  private final ConcurrentLinkedQueue<Thread> attemptThreads = new ConcurrentLinkedQueue<>();
  private final AtomicInteger launches = new AtomicInteger();
  private final AtomicInteger callsFinished = new AtomicInteger();
  private final AtomicInteger successesReported = new AtomicInteger();
  private final ConcurrentLinkedQueue<Integer> failedReported = new ConcurrentLinkedQueue<>();
  private final AtomicInteger slowAttemptInterrupts = new AtomicInteger();
  private volatile boolean slowAttemptStarted;
  private volatile boolean winnerReturned;

  /**
   * @param style how the call is made
   * @param checkListenerAgrees whether to check also that no attempt the listener was told failed is
   *     reported as cancelled
   */
  DecisionScenario(CallStyle style, boolean checkListenerAgrees) {
    this.style = style;
    this.checkListenerAgrees = checkListenerAgrees;
  }

  /** Runs the racing call to its end, joins every thread it started, then checks the invariants. */
  void runAndCheck() {
    HedgeBuilder<String> builder = Hedge.<String>builder()
        .maxAttempts(ATTEMPTS)
        .delay(Duration.ZERO)
        .timeSource(time)
        .fatalIf(e -> e instanceof FatalMarker)
        .executor(scriptedExecutor())
        .listener(recordingListener())
        .copyMdc(false);
    if (style == CallStyle.SYNC) {
      builder.timeout(TIMEOUT);
    }
    Hedge<String> hedge = builder.build();
    Outcome outcome = style == CallStyle.ASYNC ? callAsync(hedge) : callSync(hedge);
    joinAttempts();
    check(outcome);
  }

  private Outcome callAsync(Hedge<String> hedge) {
    CompletableFuture<String> future = hedge.callAsync(this::attempt);
    boolean[] cancelled = new boolean[1];
    Thread canceller = start(() -> cancelled[0] = future.cancel(true));
    join(canceller);
    try {
      return new Outcome.Value(future.join());
    } catch (CancellationException e) {
      require(cancelled[0], "the future is cancelled but cancel(true) returned false");
      return new Outcome.Cancelled();
    } catch (CompletionException e) {
      Throwable cause = java.util.Objects.requireNonNull(e.getCause(), "cause");
      require(!cancelled[0], "cancel(true) returned true but the future completed with " + cause);
      return new Outcome.Thrown(cause);
    }
  }

  private Outcome callSync(Hedge<String> hedge) {
    Outcome[] outcome = new Outcome[1];
    Thread caller = start(() -> {
      try {
        outcome[0] = new Outcome.Value(hedge.call(this::attempt));
      } catch (InterruptedException e) {
        outcome[0] = new Outcome.Cancelled();
      } catch (RuntimeException e) {
        outcome[0] = new Outcome.Thrown(e);
      }
      // Keep the interrupt flag of a decided call out of the join below.
      Thread.interrupted();
    });
    Thread clock = start(() -> time.advance(TIMEOUT));
    Thread canceller = start(caller::interrupt);
    join(clock);
    join(canceller);
    join(caller);
    return outcome[0];
  }

  private String attempt(Attempt attempt) throws Exception {
    return switch (attempt.index()) {
      case 0 -> {
        winnerReturned = true;
        yield WINNING_VALUE;
      }
      case 1 -> throw failure;
      case 2 -> throw fatal;
      case SLOW_ATTEMPT -> waitForInterrupt();
      default -> throw new AssertionError("attempt " + attempt.index() + " ran although its launch was rejected");
    };
  }

  private String waitForInterrupt() throws InterruptedException {
    slowAttemptStarted = true;
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      slowAttemptInterrupts.incrementAndGet();
      throw e;
    }
    throw new AssertionError("unreachable: the latch never opens");
  }

  private Executor scriptedExecutor() {
    return task -> {
      if (launches.getAndIncrement() == REJECTED_LAUNCH) {
        throw rejection;
      }
      Thread thread = new Thread(task);
      attemptThreads.add(thread);
      thread.start();
    };
  }

  private HedgeListener recordingListener() {
    return new HedgeListener() {
      @Override
      public void onAttemptSucceeded(Attempt attempt, Duration duration) {
        successesReported.incrementAndGet();
      }

      @Override
      public void onAttemptFailed(Attempt attempt, AttemptReport report) {
        failedReported.add(attempt.index());
      }

      @Override
      public void onCallFinished(CallSummary summary) {
        callsFinished.incrementAndGet();
      }
    };
  }

  /** Joins every attempt thread, including any launched while joining the others. */
  private void joinAttempts() {
    Set<Thread> joined = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean more = true;
    while (more) {
      more = false;
      for (Thread thread : attemptThreads) {
        if (joined.add(thread)) {
          join(thread);
          more = true;
        }
      }
    }
  }

  private void check(Outcome outcome) {
    // Exactly one outcome.
    require(outcome != null, "the call had no outcome");
    if (launches.get() == 0) {
      // Only a sync caller interrupted on entry: the call throws InterruptedException and starts nothing.
      require(style == CallStyle.SYNC && outcome instanceof Outcome.Cancelled, "no attempt launched, yet the outcome is "
          + outcome);
      require(callsFinished.get() == 0, "onCallFinished ran for a call that never began");
      return;
    }
    require(callsFinished.get() == 1, "onCallFinished ran " + callsFinished.get() + " times");
    require(successesReported.get() <= 1, "onAttemptSucceeded ran " + successesReported.get() + " times");
    if (outcome instanceof Outcome.Value v) {
      require(WINNING_VALUE.equals(v.value()), "unexpected value " + v.value());
      require(winnerReturned, "a value was returned before attempt 0 returned it");
      require(successesReported.get() == 1, "the winner was not reported to the listener");
    } else if (outcome instanceof Outcome.Thrown t) {
      checkFailures(t.thrown());
    }
    // No attempt left uncancelled: the slow attempt, when it started, was interrupted exactly once
    // (joinAttempts would hang otherwise).
    if (slowAttemptStarted) {
      require(slowAttemptInterrupts.get() == 1, "the slow attempt saw " + slowAttemptInterrupts.get()
          + " interrupts");
    }
  }

  private void checkFailures(Throwable thrown) {
    if (!(thrown instanceof AllAttemptsFailedException e)) {
      throw new AssertionError("the call threw an unexpected exception", thrown);
    }
    if (e instanceof FatalFailureException f) {
      require(f.fatalFailure() == fatal, "fatalFailure() is " + f.fatalFailure());
    } else if (!(e instanceof HedgeTimeoutException)) {
      // All attempts failed: impossible with a slow attempt that only the call's end interrupts,
      // unless the call ended before it was launched.
      require(!slowAttemptStarted, "AllAttemptsFailedException while the slow attempt still ran");
    }
    // Every failure kept once: each report once per index, and failures() holds exactly the failures
    // of the reports, each once, each the one that attempt's script produced.
    List<AttemptReport> reports = e.attempts();
    Set<Integer> indexes = new java.util.HashSet<>();
    List<Throwable> reportedFailures = new ArrayList<>();
    for (AttemptReport report : reports) {
      require(indexes.add(report.index()), "two reports for attempt " + report.index() + ": " + reports);
      if (report.failure() != null) {
        require(report.failure().equals(scriptedFailure(report.index())), // Throwable: identity
            "attempt " + report.index() + " reported " + report.failure());
        reportedFailures.add(report.failure());
      }
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t : e.failures()) {
      require(seen.add(t), "failure kept twice: " + t + " in " + e.failures());
    }
    require(seen.size() == reportedFailures.size() && seen.containsAll(reportedFailures),
        "failures() " + e.failures() + " differ from the reports " + reports);
    // An attempt the listener was told failed must not be reported as cancelled.
    if (!checkListenerAgrees) {
      return;
    }
    for (AttemptReport report : reports) {
      if (report.outcome() == AttemptReport.Outcome.CANCELLED && report.index() != SLOW_ATTEMPT) {
        require(!failedReported.contains(report.index()),
            "attempt " + report.index() + " failed for the listener but is CANCELLED in " + reports);
      }
    }
  }

  private Throwable scriptedFailure(int index) {
    return switch (index) {
      case 1 -> failure;
      case 2 -> fatal;
      case REJECTED_LAUNCH -> rejection;
      default -> new AssertionError("attempt " + index + " cannot fail");
    };
  }

  private static Thread start(Runnable body) {
    Thread thread = new Thread(body);
    thread.start();
    return thread;
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError("the scenario thread was interrupted", e);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  /** The outcome of the call as the caller saw it. */
  private sealed interface Outcome {
    /** The call returned {@code value}. */
    record Value(String value) implements Outcome {}

    /** The call threw {@code thrown} (for an async call: completed the future with it). */
    record Thrown(Throwable thrown) implements Outcome {}

    /** The caller's cancel won: InterruptedException, or a cancelled future. */
    record Cancelled() implements Outcome {}
  }

  /** The failure the policy classifies as fatal. */
  private static final class FatalMarker extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalMarker() {
      super("attempt 2 fails fatally");
    }
  }
}
