package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.Callers.Caller;
import dev.redundant.testing.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A budget's {@link TimeSource} that throws ends the call like the policy's own clock does: the caller
 * gets the clock's failure, every attempt is interrupted, and the call counts as a failure. It never kills
 * the thread that asked for the token (an attempt's, or the clock watcher's), which would leave the call
 * without an outcome. The budget holds one token of each kind: the first hedge and the first failover
 * take them, the next extra attempt reads the minimum rate's clock, which throws.
 */
class BudgetClockFailureTest {

  /**
   * The policy's clock, which the budget shares: a manual clock that, once broken, throws on the reads of
   * the budget's minimum rate only, so that the budget is the collaborator whose clock throws.
   */
  private static final class BreakableClock implements TimeSource {
    static final IllegalStateException BROKEN = new IllegalStateException("the budget's clock broke");
    private static final StackWalker STACK = StackWalker.getInstance();
    final ManualTimeSource time = new ManualTimeSource();
    volatile boolean broken;

    @Override
    public long nanoTime() {
      if (broken && STACK.walk(frames -> frames.anyMatch(f -> f.getClassName().endsWith(".RateFloor")))) {
        throw BROKEN;
      }
      return time.nanoTime();
    }

    @Override
    public void parkUntil(long deadlineNanos) {
      time.parkUntil(deadlineNanos);
    }
  }

  private final BreakableClock clock = new BreakableClock();
  private final ManualTimeSource time = clock.time;
  private final AtomicInteger hanging = new AtomicInteger();
  private final AtomicInteger interrupted = new AtomicInteger();

  private HedgeBuilder<String> policy() {
    HedgeBudget budget = HedgeBudget.builder().burst(1).hedgesPerSuccess(0).failoversPerSuccess(0)
        .minPerSecond(1).timeSource(clock).build();
    clock.broken = true;
    return Hedge.<String>builder().maxAttempts(4).timeSource(clock).budget(budget);
  }

  /** Hangs until interrupted, and counts the interrupt. */
  private String hang() throws InterruptedException {
    hanging.incrementAndGet();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      interrupted.incrementAndGet();
      throw e;
    }
    throw new AssertionError("unreachable");
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aFailoverThatFindsTheBudgetsClockBrokenEndsTheCallWithTheClocksFailure(Caller caller) throws Throwable {
    Hedge<String> hedge = policy().delay(Duration.ofHours(1)).build();
    CountDownLatch secondStarted = new CountDownLatch(1);
    AttemptTask<String> task = attempt -> {
      switch (attempt.index()) {
        case 0 -> {
          secondStarted.await(); // fails once attempt 1, a hedge, runs; its failover takes the token
          throw new IOException("down");
        }
        case 1 -> {
          secondStarted.countDown();
          return hang();
        }
        case 2 -> throw new IOException("down too"); // its failover finds the clock broken
        default -> throw new AssertionError("a fourth attempt must not start");
      }
    };
    CompletableFuture<String> call = caller.start(hedge, task);
    time.awaitParkedUntil(Duration.ofHours(1));
    time.advance(Duration.ofHours(1)); // the hedge takes its token

    assertThat(Callers.failureOf(call)).isSameAs(BreakableClock.BROKEN);
    Patiently.patiently().until(() -> interrupted.get() == 1);
    Patiently.patiently().until(() -> hedge.statistics().failures() == 1);
    assertThat(hedge.statistics().successes()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Caller.class)
  void aHedgeThatFindsTheBudgetsClockBrokenEndsTheCallAndInterruptsItsAttempts(Caller caller) throws Throwable {
    Hedge<String> hedge = policy().delay(Duration.ofSeconds(1)).build();
    CompletableFuture<String> call = caller.start(hedge, attempt -> hang());
    time.awaitParkedUntil(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1)); // hedge 1 takes the token
    Patiently.patiently().until(() -> hanging.get() == 2); // both attempts run: there is something to interrupt
    time.awaitParkedUntil(Duration.ofSeconds(2));
    time.advance(Duration.ofSeconds(1)); // hedge 2 finds the clock broken (the third attempt is not asked for)

    assertThat(Callers.failureOf(call)).isSameAs(BreakableClock.BROKEN);
    Patiently.patiently().until(() -> interrupted.get() == 2);
    Patiently.patiently().until(() -> hedge.statistics().failures() == 1);
    assertThat(hedge.statistics().successes()).isZero();
  }
}
