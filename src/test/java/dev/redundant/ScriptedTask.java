package dev.redundant;

import static dev.redundant.Patiently.patiently;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AttemptTask} whose attempts follow a script, by attempt index, and that records what each
 * attempt saw: its {@link Attempt}, thread and {@code sinceCallStart()} at entry, whether it was
 * interrupted, and when it ended. Counts attempts started and running (incremented at entry, decremented
 * in {@code finally}).
 *
 * <pre>{@code
 * ScriptedTask<String> task = new ScriptedTask<String>()
 *     .on(0, ScriptedTask.fail(boom))
 *     .on(1, ScriptedTask.value("b"))
 *     .otherwise(ScriptedTask.hang());
 * }</pre>
 */
final class ScriptedTask<T> implements AttemptTask<T> {

  /** What one attempt does. */
  @FunctionalInterface
  interface Step<T> {
    T run(Entry<T> entry) throws Throwable;
  }

  /**
   * One attempt entering the task.
   *
   * @param index the attempt's index (for {@link #asCallable()}: its order of entry)
   * @param attempt the attempt, or null for {@link #asCallable()}
   * @param task the task
   */
  record Entry<T>(int index, Attempt attempt, ScriptedTask<T> task) {}

  private final Map<Integer, Step<T>> script = new ConcurrentHashMap<>();
  private volatile Step<T> otherwise = hang();

  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final Map<Integer, Attempt> attempts = new ConcurrentHashMap<>();
  final Map<Integer, Thread> threads = new ConcurrentHashMap<>();
  final Map<Integer, Duration> sinceCallStartAtEntry = new ConcurrentHashMap<>();
  final Set<Integer> interrupted = ConcurrentHashMap.newKeySet();
  final Set<Integer> ended = ConcurrentHashMap.newKeySet();
  private final AtomicInteger tickets = new AtomicInteger();

  ScriptedTask<T> on(int index, Step<T> step) {
    script.put(index, step);
    return this;
  }

  ScriptedTask<T> otherwise(Step<T> step) {
    otherwise = step;
    return this;
  }

  @Override
  public T call(Attempt attempt) throws Exception {
    return run(attempt.index(), attempt);
  }

  /**
   * This task as a plain {@link Callable} (for {@link Redundant#firstSuccess}): there is no attempt index,
   * so attempts are numbered by the order in which they enter the task, and the step sees a null attempt.
   */
  Callable<T> asCallable() {
    return () -> run(tickets.getAndIncrement(), null);
  }

  private T run(int index, Attempt attempt) throws Exception {
    if (attempt != null) {
      attempts.put(index, attempt);
      sinceCallStartAtEntry.put(index, attempt.sinceCallStart());
    }
    threads.put(index, Thread.currentThread());
    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    started.incrementAndGet();
    try {
      return script.getOrDefault(index, otherwise).run(new Entry<>(index, attempt, this));
    } catch (InterruptedException e) {
      interrupted.add(index);
      throw e;
    } catch (Throwable t) {
      throw ScriptedTask.<RuntimeException>sneaky(t);
    } finally {
      running.decrementAndGet();
      ended.add(index);
    }
  }

  void noteInterrupted(int index) {
    interrupted.add(index);
  }

  // ------------------------------------------------------------------ waiting for attempts

  void awaitStarted(int count) {
    patiently().until(() -> started.get() >= count);
  }

  void awaitInterrupted(Integer... indexes) {
    patiently().until(() -> interrupted.containsAll(Set.of(indexes)));
  }

  void awaitEnded(Integer... indexes) {
    patiently().until(() -> ended.containsAll(Set.of(indexes)));
  }

  /** Waits until the thread of attempt {@code index} has terminated: the library is done with its outcome. */
  void awaitThreadEnded(int index) {
    patiently().until(() -> threads.containsKey(index) && !threads.get(index).isAlive());
  }

  void awaitNothingRunning() {
    patiently().until(() -> running.get() == 0);
  }

  // ------------------------------------------------------------------ steps

  static <T> Step<T> value(T value) {
    return entry -> value;
  }

  static <T> Step<T> fail(Throwable failure) {
    return entry -> {
      throw failure;
    };
  }

  /** Waits for {@code latch} (interruptibly), then does {@code then}. */
  static <T> Step<T> after(CountDownLatch latch, Step<T> then) {
    return entry -> {
      latch.await();
      return then.run(entry);
    };
  }

  /** Blocks until interrupted, then throws the {@link InterruptedException}. */
  static <T> Step<T> hang() {
    return entry -> {
      new CountDownLatch(1).await();
      throw new AssertionError("unreachable");
    };
  }

  /**
   * Ignores interrupts: waits until {@code release} opens, noting every interrupt it swallows, then does
   * {@code then}.
   */
  static <T> Step<T> stubborn(CountDownLatch release, Step<T> then) {
    return entry -> {
      for (;;) {
        try {
          release.await();
          break;
        } catch (InterruptedException e) {
          entry.task().noteInterrupted(entry.index());
        }
      }
      return then.run(entry);
    };
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
