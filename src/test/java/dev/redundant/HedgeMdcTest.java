package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/** copyMdc: attempts run with a copy of the caller's MDC, restored afterwards on the attempt's thread. */
class HedgeMdcTest {
  private MDCAdapter previous;
  private ExecutorService pool;

  @BeforeEach
  void installAWorkingMdc() {
    previous = ThreadLocalMdcAdapter.install();
  }

  @AfterEach
  void restoreTheMdc() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    ThreadLocalMdcAdapter.restore(previous);
  }

  /** A one-thread pool whose thread exists already (made by a thread without an MDC) and has an MDC of its own. */
  private ExecutorService poolWithItsOwnMdc() throws Exception {
    ThreadPoolExecutor p = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
    pool = p;
    p.submit(() -> MDC.put("pool", "own")).get(30, TimeUnit.SECONDS);
    return p;
  }

  private static Map<String, String> mdcOn(ExecutorService pool) throws Exception {
    return pool.submit(() -> {
      Map<String, String> m = MDC.getCopyOfContextMap();
      return m == null ? Map.<String, String>of() : m;
    }).get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(names = {"PLATFORM", "VIRTUAL"})
  void everyAttemptSeesTheCallersMdc(Caller caller) throws Throwable {
    Map<Integer, String> seen = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(3);
    caller.run(() -> {
      MDC.put("request", "42");
      Hedge<String> hedge = Hedge.<String>builder().maxAttempts(3).delay(Duration.ZERO).build();
      String result = hedge.call(attempt -> {
        seen.put(attempt.index(), String.valueOf(MDC.get("request")));
        MDC.put("request", "changed by " + attempt.index()); // must not leak to the caller
        all.countDown();
        all.await();
        return "ok";
      });
      assertThat(result).isEqualTo("ok");
      assertThat(MDC.get("request")).isEqualTo("42");
      return null;
    });
    assertThat(seen).containsOnly(Map.entry(0, "42"), Map.entry(1, "42"), Map.entry(2, "42"));
  }

  @Test
  void firstSuccessCopiesTheMdcToo() throws Throwable {
    MDC.put("request", "7");
    try {
      assertThat(Redundant.firstSuccess(2, () -> MDC.get("request"))).isEqualTo("7");
    } finally {
      MDC.clear();
    }
  }

  @Test
  void aPooledThreadRunsTheAttemptWithTheCallersMdcAndGetsItsOwnBack() throws Throwable {
    ExecutorService pool = poolWithItsOwnMdc();
    Hedge<Map<String, String>> hedge = Hedge.<Map<String, String>>builder().maxAttempts(1).executor(pool).build();
    MDC.put("request", "42");
    try {
      Map<String, String> inAttempt = hedge.call(attempt -> {
        Map<String, String> m = MDC.getCopyOfContextMap();
        MDC.put("scribble", "x");
        return m;
      });
      assertThat(inAttempt).isEqualTo(Map.of("request", "42"));
    } finally {
      MDC.clear();
    }
    assertThat(mdcOn(pool)).isEqualTo(Map.of("pool", "own"));
  }

  @Test
  void withoutCopyMdcAnAttemptSeesItsThreadsOwnMdc() throws Throwable {
    ExecutorService pool = poolWithItsOwnMdc();
    Hedge<Map<String, String>> hedge =
        Hedge.<Map<String, String>>builder().maxAttempts(1).executor(pool).copyMdc(false).build();
    MDC.put("request", "42");
    try {
      assertThat(hedge.call(attempt -> new HashMap<>(MDC.getCopyOfContextMap()))).isEqualTo(Map.of("pool", "own"));
    } finally {
      MDC.clear();
    }
  }

  /**
   * slf4j's own BasicMDCAdapter is inherited by new threads. The caller has no MDC; attempt 0 puts a
   * value into its MDC and fails, which starts attempt 1 from attempt 0's thread: attempt 1 must not see
   * attempt 0's value (it runs with the caller's MDC, which is empty).
   */
  @Test
  void aFailoverDoesNotInheritTheFailedAttemptsMdc() throws Throwable {
    ThreadLocalMdcAdapter.restore(new org.slf4j.helpers.BasicMDCAdapter());
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofHours(1)).build();
    MDC.clear();
    String seen = Callers.Caller.PLATFORM.start(() -> hedge.call(attempt -> {
      if (attempt.index() == 0) {
        MDC.put("attempt", "0");
        throw new java.io.IOException("fails after writing its MDC");
      }
      return String.valueOf(MDC.get("attempt"));
    })).join();
    assertThat(seen).as("attempt 1's MDC value written by attempt 0").isEqualTo("null");
  }

  /** The caller's MDC is empty: the attempt runs with an empty MDC, not with whatever its thread had. */
  @Test
  void aCallerWithoutAnMdcGivesItsAttemptsAnEmptyOne() throws Throwable {
    ExecutorService pool = poolWithItsOwnMdc();
    Hedge<Map<String, String>> hedge = Hedge.<Map<String, String>>builder().maxAttempts(1).executor(pool).build();
    MDC.clear();
    Map<String, String> inAttempt = hedge.call(attempt -> {
      Map<String, String> m = MDC.getCopyOfContextMap();
      return m == null ? Map.of() : m;
    });
    assertThat(inAttempt).as("the attempt's MDC when the caller has none").isEmpty();
    assertThat(mdcOn(pool)).isEqualTo(Map.of("pool", "own"));
  }
}
