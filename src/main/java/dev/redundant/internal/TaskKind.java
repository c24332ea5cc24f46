package dev.redundant.internal;

import dev.redundant.Attempt;
import dev.redundant.AttemptTask;
import dev.redundant.StageTask;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What a call's task is, and how an attempt invokes it: the call keeps the task as an {@code Object}
 * beside its kind, so that no call wraps the user's task in an adapter.
 */
public enum TaskKind {
  /** An {@link AttemptTask}: a blocking attempt on a thread of the executor. */
  ATTEMPT_TASK,
  /** A {@link Callable}: as {@code ATTEMPT_TASK}, without the {@link Attempt}. */
  CALLABLE,
  /** A {@link StageTask}: an attempt that returns a stage, invoked on the thread that starts it. */
  STAGE;

  /** Runs a blocking task ({@code ATTEMPT_TASK} or {@code CALLABLE}) for {@code attempt}. */
  @Nullable Object call(Object task, Attempt attempt) throws Exception {
    return this == ATTEMPT_TASK ? ((AttemptTask<?>) task).call(attempt) : ((Callable<?>) task).call();
  }

  /** Starts a {@code STAGE} task's request for {@code attempt}: its stage, or null if the task returned none. */
  static @Nullable CompletionStage<?> start(Object task, Attempt attempt) throws Exception {
    return ((StageTask<?>) task).start(attempt);
  }
}
