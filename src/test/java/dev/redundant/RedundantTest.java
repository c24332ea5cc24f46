package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static dev.redundant.ScriptedTask.after;
import static dev.redundant.ScriptedTask.fail;
import static dev.redundant.ScriptedTask.hang;
import static dev.redundant.ScriptedTask.stubborn;
import static dev.redundant.ScriptedTask.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.Callers.Caller;
import dev.redundant.Callers.Running;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Redundant#firstSuccess}, called from platform and virtual threads. */
class RedundantTest {

  /** An Error that an attempt throws: any Throwable is that attempt's failure. */
  static final class TaskError extends Error {
    private static final long serialVersionUID = 1L;

    TaskError(String message) {
      super(message);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void allAttemptsStartAtOnceEachOnAVirtualThreadOfItsOwn(Caller caller) throws Throwable {
    int n = 4;
    CyclicBarrier barrier = new CyclicBarrier(n); // trips only if all n attempts run at the same time
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    caller.run(() -> {
      String result = Redundant.firstSuccess(n, () -> {
        calls.incrementAndGet();
        threads.add(Thread.currentThread());
        virtual.add(Thread.currentThread().isVirtual());
        barrier.await(30, TimeUnit.SECONDS);
        return "ok";
      });
      assertThat(result).isEqualTo("ok");
      return null;
    });
    assertThat(calls).hasValue(n);
    assertThat(threads).hasSize(n);
    assertThat(virtual).containsExactly(true);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aFailureNeverBeatsALaterSuccess(Caller caller) throws Throwable {
    CompletableFuture<Thread> failingThread = new CompletableFuture<>();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, entry -> {
          failingThread.complete(Thread.currentThread());
          throw new IOException("attempt 0 fails at once");
        })
        .on(1, entry -> {
          // the failure is fully handled (its thread ended) before this attempt succeeds
          failingThread.get(30, TimeUnit.SECONDS).join();
          return "late success";
        });
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(2, task.asCallable())).isEqualTo("late success");
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void anErrorIsAFailureToo(Caller caller) throws Throwable {
    CompletableFuture<Thread> failingThread = new CompletableFuture<>();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, entry -> {
          failingThread.complete(Thread.currentThread());
          throw new TaskError("attempt 0 throws an Error");
        })
        .on(1, entry -> {
          failingThread.get(30, TimeUnit.SECONDS).join();
          return "success";
        });
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(2, task.asCallable())).isEqualTo("success");
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void nullIsAValidResult(Caller caller) throws Throwable {
    CompletableFuture<Thread> failingThread = new CompletableFuture<>();
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, entry -> {
          failingThread.complete(Thread.currentThread());
          throw new IOException("attempt 0 fails");
        })
        .on(1, entry -> {
          failingThread.get(30, TimeUnit.SECONDS).join();
          return null;
        });
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(2, task.asCallable())).isNull();
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aNullWinnerInterruptsTheLosers(Caller caller) throws Throwable {
    CountDownLatch losersIn = new CountDownLatch(2);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(losersIn, value(null)))
        .otherwise(entry -> {
          losersIn.countDown();
          return ScriptedTask.<String>hang().run(entry);
        });
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(3, task.asCallable())).isNull();
      return null;
    });
    task.awaitInterrupted(1, 2);
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void theWinnerInterruptsEveryOtherAttempt(Caller caller) throws Throwable {
    CountDownLatch losersIn = new CountDownLatch(3);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(losersIn, value("winner")))
        .otherwise(entry -> {
          losersIn.countDown();
          Thread.sleep(Duration.ofMinutes(10));
          return "loser";
        });
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(4, task.asCallable())).isEqualTo("winner");
      return null;
    });
    task.awaitInterrupted(1, 2, 3);
    task.awaitNothingRunning();
    assertThat(task.started).hasValue(4);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void theCallDoesNotWaitForALoserThatIgnoresInterrupts(Caller caller) throws Throwable {
    CountDownLatch loserIn = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, after(loserIn, value("winner")))
        .on(1, entry -> {
          loserIn.countDown();
          return stubborn(release, value("late")).run(entry);
        });
    try {
      caller.run(() -> {
        assertThat(Redundant.firstSuccess(2, task.asCallable())).isEqualTo("winner");
        return null;
      });
      // returned while the loser still blocks: the test releases it only now
      assertThat(task.ended).doesNotContain(1);
      task.awaitInterrupted(1);
    } finally {
      release.countDown();
    }
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void allFailedHoldsEveryFailureAsThrown(Caller caller) throws Throwable {
    IOException checked = new IOException("checked");
    TaskError error = new TaskError("error");
    IllegalStateException unchecked = new IllegalStateException("unchecked");
    List<Throwable> thrown = List.of(checked, error, unchecked);
    ScriptedTask<String> task = new ScriptedTask<String>()
        .on(0, fail(checked))
        .on(1, fail(error))
        .on(2, fail(unchecked));
    Throwable failure = caller.start(() -> Redundant.firstSuccess(3, task.asCallable())).failure();

    assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class);
    AllAttemptsFailedException all = (AllAttemptsFailedException) failure;
    assertThat(all.failures()).hasSize(3);
    assertThat(all.failures()).allSatisfy(f -> assertThat(thrown).anySatisfy(t -> assertThat(f).isSameAs(t)));
    assertThat(thrown).allSatisfy(t -> assertThat(all.failures()).anySatisfy(f -> assertThat(f).isSameAs(t)));
    // in attempt order: the i-th failure is attempt i's
    assertThat(all.attempts()).extracting(AttemptReport::index).containsExactly(0, 1, 2);
    assertThat(all.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.FAILED);
    for (int i = 0; i < 3; i++) {
      assertThat(all.failures().get(i)).isSameAs(all.attempts().get(i).failure());
    }
    // the first is the cause, the others suppressed
    assertThat(all.getCause()).isSameAs(all.failures().get(0));
    assertThat(all.getSuppressed()).hasSize(2);
    assertThat(all.getSuppressed()[0]).isSameAs(all.failures().get(1));
    assertThat(all.getSuppressed()[1]).isSameAs(all.failures().get(2));
    assertThat(all.getMessage()).contains("All 3 attempts failed", checked.toString(), error.toString(),
        unchecked.toString());
  }

  /** Attempt order is index order, not the order in which the attempts failed. */
  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void failuresAreInAttemptOrderNotInOrderOfFailing(Caller caller) throws Throwable {
    int n = 3;
    IOException[] thrown = {new IOException("0"), new IOException("1"), new IOException("2")};
    CountDownLatch[] mayFail = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
    mayFail[n - 1].countDown();
    ScriptedTask<String> task = new ScriptedTask<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      // attempt 2 fails first, then 1, then 0
      task.on(i, entry -> {
        mayFail[index].await();
        try {
          throw thrown[index];
        } finally {
          if (index > 0) {
            CompletableFuture.runAsync(() -> {
              task.awaitThreadEnded(index);
              mayFail[index - 1].countDown();
            });
          }
        }
      });
    }
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(n).delay(Duration.ZERO).build();
    Throwable failure = caller.start(() -> hedge.call(task)).failure();
    AllAttemptsFailedException all = (AllAttemptsFailedException) failure;
    assertThat(all.failures()).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(all.failures().get(i)).isSameAs(thrown[i]);
      assertThat(all.attempts().get(i).index()).isEqualTo(i);
      assertThat(all.attempts().get(i).failure()).isSameAs(thrown[i]);
    }
    assertThat(all.getCause()).isSameAs(thrown[0]);
    assertThat(all.getSuppressed()).containsExactly(thrown[1], thrown[2]);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void anInterruptedCallerInterruptsEveryAttempt(Caller caller) throws Throwable {
    ScriptedTask<String> task = new ScriptedTask<String>().otherwise(hang());
    Running<String> call = caller.start(() -> Redundant.firstSuccess(3, task.asCallable()));
    task.awaitStarted(3);
    call.thread().interrupt();

    assertThat(call.failure()).isInstanceOf(InterruptedException.class);
    assertThat(call.flagAtEnd()).as("interrupt status after the throw").isFalse();
    task.awaitInterrupted(0, 1, 2);
    task.awaitNothingRunning();
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void aCallerInterruptedOnEntryStartsNothing(Caller caller) throws Throwable {
    AtomicInteger calls = new AtomicInteger();
    caller.run(() -> {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> Redundant.firstSuccess(3, () -> calls.incrementAndGet()))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> Hedge.builder().maxAttempts(2).delay(Duration.ZERO).build()
          .call(attempt -> calls.incrementAndGet()))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      // the thread is usable afterwards
      assertThat(Redundant.firstSuccess(1, () -> "after")).isEqualTo("after");
      return null;
    });
    assertThat(calls).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Hedge.MAX_ATTEMPTS + 1, Integer.MAX_VALUE})
  void nOutOfBoundsIsRejectedAndStartsNothing(int n) {
    AtomicInteger calls = new AtomicInteger();
    Callable<Integer> task = calls::incrementAndGet;
    assertThatThrownBy(() -> Redundant.firstSuccess(n, task))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("n ")
        .hasMessageContaining(String.valueOf(n));
    assertThatThrownBy(() -> Redundant.firstSuccessAsync(n, task))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("n ")
        .hasMessageContaining(String.valueOf(n));
    assertThat(calls).hasValue(0);
  }

  @Test
  void aNullTaskIsRejected() {
    assertThatThrownBy(() -> Redundant.firstSuccess(2, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Redundant.firstSuccessAsync(2, null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void theBoundsThemselvesAreAccepted(Caller caller) throws Throwable {
    caller.run(() -> {
      assertThat(Redundant.firstSuccess(1, () -> "one")).isEqualTo("one");
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch all = new CountDownLatch(Hedge.MAX_ATTEMPTS);
      assertThat(Redundant.firstSuccess(Hedge.MAX_ATTEMPTS, () -> {
        calls.incrementAndGet();
        all.countDown();
        all.await();
        return "max";
      })).isEqualTo("max");
      assertThat(calls).hasValue(Hedge.MAX_ATTEMPTS);
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void oneAttemptThatFailsFailsTheCall(Caller caller) throws Throwable {
    IOException boom = new IOException("boom");
    Throwable failure = caller.start(() -> Redundant.firstSuccess(1, () -> {
      throw boom;
    })).failure();
    assertThat(failure).isExactlyInstanceOf(AllAttemptsFailedException.class).hasCause(boom);
    assertThat(((AllAttemptsFailedException) failure).failures()).singleElement().isSameAs(boom);
    assertThat(failure.getCause()).isSameAs(boom);
    assertThat(failure.getSuppressed()).isEmpty();
  }
}
