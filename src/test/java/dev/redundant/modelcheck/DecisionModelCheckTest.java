package dev.redundant.modelcheck;

import static dev.redundant.modelcheck.DecisionScenario.CallStyle.ASYNC;
import static dev.redundant.modelcheck.DecisionScenario.CallStyle.SYNC;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckSettings;
import org.junit.jupiter.api.Test;

/**
 * Model checks the decision of a call with Lincheck: the scheduler explores interleavings of a success,
 * a failure, a fatal failure, a rejected launch, a call timeout and the caller's cancel, all racing in
 * one call made through the public API, and {@link DecisionScenario} asserts after each one that the
 * call had exactly one outcome, kept every failure once, left no attempt uncancelled, and told the
 * listener nothing that contradicts the reports (an attempt told FAILED is never reported CANCELLED). That
 * last check found a defect on the engine of commit 96e4e76 within 60 schedules, for both call styles: a
 * launch rejected by the executor marked its attempt finished before recording its failure.
 *
 * <p>Lincheck instruments the code under test and switches threads at shared-memory accesses, so every
 * interleaving it reports as failing comes with its trace; a hang (an attempt that is never interrupted,
 * a call that never ends) is reported as a deadlock or livelock. Assertions inside the checked block
 * throw plain {@code AssertionError}s: Lincheck traces the objects of the block, and AssertJ's assertion
 * objects refuse {@code equals}.
 *
 * <p>Run with more schedules: {@code mvn test -Dtest=DecisionModelCheckTest
 * -DargLine=-Dmodelcheck.invocations=1000}.
 */
class DecisionModelCheckTest {
  /** Schedules explored per test in every build: 30 take about 13 s for both tests on a loaded 2-core machine. */
  private static final int INVOCATIONS = Integer.getInteger("modelcheck.invocations", 30);

  /**
   * Lincheck's default settings, but with the JDK's own code run without switch points. With them, the
   * failure message's {@code String.format} walks the JDK's table of about 1,150 locale tags, a loop far
   * past Lincheck's loop bound of 50, which it then reports as a livelock. The JDK's concurrency
   * primitives (atomics, locks, park, join, interrupts) are still switch points.
   */
  private static final LincheckSettings SETTINGS = new LincheckSettings(true, 10, 2_000, 20);

  @Test
  void asyncCallHasOneOutcomeKeepsEveryFailureOnceAndCancelsEveryAttempt() {
    check(() -> new DecisionScenario(ASYNC, true).runAndCheck());
  }

  @Test
  void syncCallHasOneOutcomeKeepsEveryFailureOnceAndCancelsEveryAttempt() {
    check(() -> new DecisionScenario(SYNC, true).runAndCheck());
  }

  /**
   * Explores {@link #INVOCATIONS} schedules of {@code scenario}. Lincheck 3.7's public entry point takes
   * no settings; this is the entry point it delegates to, with {@link #SETTINGS}.
   */
  private static void check(Runnable scenario) {
    Lincheck.runConcurrentTestInternal$lincheck(INVOCATIONS, SETTINGS, scenario);
  }
}
