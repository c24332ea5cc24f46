package dev.redundant.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * Runs each attempt on a new thread from a user's {@link ThreadFactory}. A factory that returns
 * {@code null}, throws, or returns a thread it has already started fails that attempt with a
 * {@link RejectedExecutionException} that says so (the engine then interrupts the task if the started
 * thread runs it anyway).
 *
 * <p><b>Thread safety:</b> as thread-safe as the factory.
 */
public final class ThreadFactoryExecutor implements Executor {
  private final ThreadFactory threadFactory;

  /**
   * @param threadFactory makes one thread per attempt
   */
  public ThreadFactoryExecutor(ThreadFactory threadFactory) {
    this.threadFactory = threadFactory;
  }

  @Override
  public void execute(Runnable attempt) {
    Thread thread = threadFactory.newThread(attempt);
    if (thread == null) {
      throw new RejectedExecutionException("threadFactory returned null");
    }
    if (thread.getState() != Thread.State.NEW) {
      throw new RejectedExecutionException("threadFactory returned a thread that was already started: "
          + thread + "; it must return unstarted threads");
    }
    thread.start();
  }

  @Override
  public String toString() {
    return "threadFactory " + threadFactory;
  }
}
