package dev.redundant.bench;

import dev.redundant.AdaptiveDelay;
import dev.redundant.Hedge;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput of one adaptive policy under many concurrent callers, against the same policy with a fixed
 * delay: does learning the delay (recording every first attempt into one shared histogram) serialise
 * callers? {@code callers} virtual threads call one policy in a loop for a round of {@code roundMillis};
 * rounds alternate adaptive / fixed (ABBA order), and each pair of rounds gives one throughput ratio
 * adaptive / fixed. Prints the median ratio and its interquartile range; the goal is >= 0.9.
 *
 * <p>The task returns at once, so the first attempt always wins and every call records a latency: the
 * worst case for the estimator's contention.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.AdaptiveThroughput [callers] [rounds] [roundMillis] [minDelayMillis]
 *   defaults: 10000 callers, 20 rounds, 500 ms per round (after 2 warm-up rounds of each), no minimum
 * </pre>
 *
 * <p>Under 10,000 callers on 2 cores some first attempts wait milliseconds for a carrier, so the adaptive
 * policy learns a delay of milliseconds and really hedges (about 1% of calls): its ratio then includes
 * that work. {@code minDelayMillis} 1000 clamps the learnt delay to the fixed policy's, which leaves only
 * the cost of learning (recording every first attempt, refreshing the quantile):
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.AdaptiveThroughput 10000 20 500 1000
 * </pre>
 */
public final class AdaptiveThroughput {
  private static volatile int sink;

  private AdaptiveThroughput() {}

  public static void main(String[] args) throws Exception {
    int callers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long roundMillis = args.length > 2 ? Long.parseLong(args[2]) : 500;
    long minDelayMillis = args.length > 3 ? Long.parseLong(args[3]) : 0;
    Hedge<Integer> adaptive = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05).min(Duration.ofMillis(minDelayMillis))).build();
    Hedge<Integer> fixed = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).build();
    System.out.printf(Locale.ROOT, "AdaptiveThroughput: %,d virtual callers, %d rounds of %d ms, learnt delay at least"
        + " %d ms; java %s, %d cpus%n", callers, rounds, roundMillis, minDelayMillis, Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    for (int w = 0; w < 2; w++) {
      round(adaptive, callers, roundMillis);
      round(fixed, callers, roundMillis);
    }
    double[] ratios = new double[rounds];
    double[] adaptiveRates = new double[rounds];
    double[] fixedRates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      double a;
      double f;
      if ((r & 1) == 0) {
        a = round(adaptive, callers, roundMillis);
        f = round(fixed, callers, roundMillis);
      } else {
        f = round(fixed, callers, roundMillis);
        a = round(adaptive, callers, roundMillis);
      }
      adaptiveRates[r] = a;
      fixedRates[r] = f;
      ratios[r] = a / f;
    }
    Arrays.sort(ratios);
    Arrays.sort(adaptiveRates);
    Arrays.sort(fixedRates);
    System.out.printf(Locale.ROOT, "adaptive / fixed throughput: median %.2fx (IQR %.2f-%.2f); adaptive %,.0f calls/s,"
        + " fixed %,.0f calls/s (medians)%n", PairedRatios.quantile(ratios, 0.5), PairedRatios.quantile(ratios, 0.25), PairedRatios.quantile(ratios, 0.75),
        PairedRatios.quantile(adaptiveRates, 0.5), PairedRatios.quantile(fixedRates, 0.5));
    System.out.printf(Locale.ROOT, "RESULT adaptiveThroughput.median=%.3f adaptiveThroughput.p25=%.3f"
        + " adaptiveThroughput.p75=%.3f%n", PairedRatios.quantile(ratios, 0.5), PairedRatios.quantile(ratios, 0.25), PairedRatios.quantile(ratios, 0.75));
    System.out.println("adaptive policy after the run: " + adaptive.statistics());
  }

  /** Runs {@code callers} virtual threads calling {@code hedge} for {@code millis}; returns calls a second. */
  static double round(Hedge<Integer> hedge, int callers, long millis) throws InterruptedException {
    LongAdder calls = new LongAdder();
    CountDownLatch ready = new CountDownLatch(callers);
    CountDownLatch go = new CountDownLatch(1);
    Thread[] threads = new Thread[callers];
    long[] end = new long[1];
    for (int i = 0; i < callers; i++) {
      int seed = i;
      threads[i] = Thread.ofVirtual().start(() -> {
        ready.countDown();
        try {
          go.await();
          int acc = 0;
          while (System.nanoTime() - end[0] < 0) {
            acc += hedge.call(attempt -> seed * 31 + attempt.index());
            calls.increment();
          }
          sink = acc;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    ready.await();
    long start = System.nanoTime();
    end[0] = start + millis * 1_000_000L; // published to the callers by go.countDown()
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - start;
    return calls.sum() * 1e9 / elapsed;
  }
}
