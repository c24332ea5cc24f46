package dev.redundant;

/**
 * The work of one attempt: a {@link java.util.concurrent.Callable} that also receives the {@link Attempt}
 * it runs as, so it can pick a replica by {@link Attempt#index()} or tag hedges.
 *
 * <p><b>Thread safety:</b> a call runs the same task object on several threads at once, one per attempt.
 *
 * <p><b>Cancellation and interruption:</b> a losing attempt is cancelled by interrupting the thread that
 * runs it. A task should let {@link InterruptedException} (or an I/O error caused by the interrupt)
 * propagate; a task that ignores interrupts runs to its end, and its value is then discarded.
 *
 * <p><b>Overloads:</b> {@link Hedge#call} also takes a plain {@link java.util.concurrent.Callable}. A
 * lambda with a parameter ({@code attempt -> ...}) is an {@code AttemptTask}, one without is a
 * {@code Callable}. A method reference to an overloaded method fits both, and javac reports
 * "reference to call is ambiguous": write a lambda, or cast the reference to the type you mean.
 *
 * @param <T> the type of the value the task returns; {@code null} is a valid value
 */
@FunctionalInterface
public interface AttemptTask<T> {

  /**
   * Runs one attempt.
   *
   * @param attempt which attempt this is
   * @return the attempt's value, possibly {@code null}
   * @throws Exception anything the work throws: that attempt's failure
   */
  T call(Attempt attempt) throws Exception;
}
