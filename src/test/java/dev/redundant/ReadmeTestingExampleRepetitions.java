package dev.redundant;

import org.junit.jupiter.api.RepeatedTest;

/**
 * Runs each README example test 1,000 times in a row, each on fresh objects. Its name keeps it out of
 * {@code mvn test} (it adds seconds); run it by name: {@code mvn -o test -Dtest=ReadmeTestingExampleRepetitions}.
 */
class ReadmeTestingExampleRepetitions {
  private static final int TIMES = 1_000;

  @RepeatedTest(TIMES)
  void hedge() throws Exception {
    new ReadmeTestingExampleTest().theHedgeStartsExactlyAtItsDelay();
  }

  @RepeatedTest(TIMES)
  void failover() throws Exception {
    new ReadmeTestingExampleTest().aFailureFailsOverAtOnce();
  }

  @RepeatedTest(TIMES)
  void fatal() throws Exception {
    new ReadmeTestingExampleTest().aFatalFailureStopsTheCall();
  }

  @RepeatedTest(TIMES)
  void timeout() throws Exception {
    new ReadmeTestingExampleTest().theTimeoutCarriesEveryFailure();
  }

  @RepeatedTest(TIMES)
  void outage() throws Exception {
    new ReadmeTestingExampleTest().anOutageFailsTheCallWithEveryAttemptsFailure();
  }
}
