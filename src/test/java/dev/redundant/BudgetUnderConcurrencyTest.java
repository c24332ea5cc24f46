package dev.redundant;

import static dev.redundant.Patiently.patiently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A budget at its default settings under many concurrent calls, through real calls: its reserve grows
 * with the calls in flight, so the first burst of concurrent calls to a flaky dependency keeps its
 * failovers, and a wave of hedges from many calls at once is not cut to a fixed handful. Every attempt
 * that does not fail waits on a latch, so all the calls are in flight together whatever the machine's
 * speed; the budget's minimum rate runs on a manual clock that never moves (one token).
 */
class BudgetUnderConcurrencyTest {
  private static final int CALLS = 300;

  private final ManualTimeSource time = new ManualTimeSource();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger waiting = new AtomicInteger();

  /** An attempt that answers once the test releases it; until then its call stays in flight. */
  private String answerWhenReleased() throws InterruptedException {
    waiting.incrementAndGet();
    release.await();
    return "ok";
  }

  @Test
  void aStartUpBurstOfConcurrentCallsToAFlakyDependencyKeepsItsFailovers() throws Exception {
    // The seed tool's 20% of failing attempts, scripted: attempt k of call i fails at once when i is a
    // multiple of 5^(k+1), for k < 4 (60 first attempts, 12 second, 3 third, 1 fourth): 76 failovers, all asked for
    // before any call succeeds. A fixed reserve of 10 failover tokens denied 65 of them and failed calls.
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(5).noHedging().timeSource(time)
        .budget(HedgeBudget.builder().timeSource(time).build()).build();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      int call = i;
      calls.add(hedge.callAsync(attempt -> {
        int k = attempt.index();
        if (k < 4 && call % (int) Math.pow(5, k + 1) == 0) {
          throw new IOException("call " + call + " attempt " + attempt.index() + " refused");
        }
        return answerWhenReleased();
      }));
    }
    // Every call is either waiting for its answer or has failed: nothing more will start.
    patiently().until(() -> waiting.get() + calls.stream().filter(CompletableFuture::isDone).count() == CALLS);
    HedgeStatistics burst = hedge.statistics();
    assertThat(burst.deniedByBudget()).isZero();
    assertThat(burst.failures()).isZero();
    assertThat(burst.failovers()).isEqualTo(60 + 12 + 3 + 1);

    release.countDown();
    for (CompletableFuture<String> call : calls) {
      assertThat(call.get()).isEqualTo("ok");
    }
    patiently().until(() -> hedge.statistics().successes() == CALLS);
  }

  @Test
  void aWaveOfHedgesFromManyCallsInFlightDrawsOnAReserveThatGrewWithThem() throws Exception {
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ofMillis(10)).timeSource(time)
        .budget(HedgeBudget.builder().timeSource(time).build()).build();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(hedge.callAsync(attempt -> answerWhenReleased()));
    }
    time.awaitWaiters(CALLS); // every call's clock waits for its hedge, due at 10 ms
    time.advance(Duration.ofMillis(10)); // every call asks for a hedge at once
    patiently().until(() -> hedge.statistics().hedgesStarted() + hedge.statistics().deniedByBudget() == CALLS);
    HedgeStatistics wave = hedge.statistics();
    // The reserve: the burst of 10 and 0.1 per call in flight, plus the minimum rate's one token. A fixed
    // reserve of 10 tokens started 11 of these 300 hedges.
    assertThat(wave.hedgesStarted()).isEqualTo(10 + CALLS / 10 + 1);

    release.countDown();
    for (CompletableFuture<String> call : calls) {
      assertThat(call.get()).isEqualTo("ok");
    }
  }
}
