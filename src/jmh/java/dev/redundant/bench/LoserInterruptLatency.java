package dev.redundant.bench;

import dev.redundant.Redundant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How soon a losing attempt learns that it lost: races of {@code firstSuccess(2, task)} where one attempt
 * (the loser) sleeps and the other (the winner) returns as soon as the loser is asleep. The caller reads
 * {@link System#nanoTime()} right after {@code firstSuccess} returns; the loser reads it in its catch of
 * {@link InterruptedException}. The latency is the difference (negative when the loser saw its interrupt
 * before the caller got back from the call: the winner wakes the caller, then interrupts the loser).
 * Also printed: the latency from the winner's task returning its value, which leaves out how long the
 * caller takes to wake up.
 * Races run one at a time, from a platform caller (the main thread) and from a virtual caller.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.LoserInterruptLatency [races] [warmupRaces]
 * </pre>
 */
public final class LoserInterruptLatency {

  /** One race's shared state; a new one per race. */
  private static final class RaceState {
    final AtomicInteger arrivals = new AtomicInteger();
    final CountDownLatch loserDone = new CountDownLatch(1);
    volatile Thread loser;
    volatile long winnerReturnedAt;
    volatile long interruptedAt;
  }

  private LoserInterruptLatency() {}

  public static void main(String[] args) throws Exception {
    int races = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    System.out.printf(Locale.ROOT, "LoserInterruptLatency: %,d races per caller type after %,d warm-up races;"
        + " java %s, %d cpus%n", races, warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
    for (String caller : new String[] {"platform", "virtual"}) {
      long[][] latencies = onCaller(caller, warmup, races);
      report(caller, "from the call's return", latencies[0], true);
      report(caller, "from the winner's return", latencies[1], false);
    }
  }

  private static long[][] onCaller(String caller, int warmup, int races) throws Exception {
    long[][][] result = new long[1][][];
    Callers.run(Callers.isVirtual(caller), () -> {
      measure(warmup);
      result[0] = measure(races);
    });
    return result[0];
  }

  /**
   * Runs {@code races} races one after another; returns each race's latency in nanoseconds from the return
   * of the call (index 0) and from the return of the winner's task (index 1).
   */
  static long[][] measure(int races) throws Exception {
    long[] latencies = new long[races];
    long[] fromWinner = new long[races];
    for (int i = 0; i < races; i++) {
      RaceState race = new RaceState();
      int value = i;
      Integer won = Redundant.firstSuccess(2, () -> {
        if (race.arrivals.getAndIncrement() == 0) {
          return winner(race, value);
        }
        return loser(race);
      });
      long returnedAt = System.nanoTime();
      if (won == null || won != value) {
        throw new AssertionError("race " + i + " returned " + won);
      }
      if (!race.loserDone.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("race " + i + ": the loser was not interrupted within 10 s");
      }
      latencies[i] = race.interruptedAt - returnedAt;
      fromWinner[i] = race.interruptedAt - race.winnerReturnedAt;
    }
    return new long[][] {latencies, fromWinner};
  }

  /** Waits until the loser sleeps, then wins. */
  private static Integer winner(RaceState race, int value) {
    for (;;) {
      Thread loser = race.loser;
      if (loser != null && loser.getState() == Thread.State.TIMED_WAITING) {
        race.winnerReturnedAt = System.nanoTime();
        return value;
      }
      Thread.yield();
    }
  }

  private static Integer loser(RaceState race) throws InterruptedException {
    race.loser = Thread.currentThread();
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      race.interruptedAt = System.nanoTime();
      race.loserDone.countDown();
      throw e;
    }
    race.loserDone.countDown();
    throw new IllegalStateException("loser not interrupted within 60 s");
  }

  static void report(String caller, String from, long[] latencies, boolean histogram) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    long negative = Arrays.stream(sorted).filter(l -> l < 0).count();
    System.out.printf(Locale.ROOT, "caller=%-8s %-25s races=%d  p50=%s  p90=%s  p99=%s  p99.9=%s  max=%s"
            + "  min=%s  (negative: %d)%n",
        caller, from, sorted.length, us(pct(sorted, 50)), us(pct(sorted, 90)), us(pct(sorted, 99)),
        us(pct(sorted, 99.9)), us(sorted[sorted.length - 1]), us(sorted[0]), negative);
    System.out.printf(Locale.ROOT, "RESULT %1$s.%2$s.p50us=%3$.1f %1$s.%2$s.p99us=%4$.1f %1$s.%2$s.races=%5$d%n",
        histogram ? "latency" : "latencyFromWinner", caller, pct(sorted, 50) / 1e3, pct(sorted, 99) / 1e3,
        sorted.length);
    if (!histogram) {
      return;
    }
    long[] bounds = {0, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
        10_000_000};
    String[] labels = {"< 0", "0-1 us", "1-2 us", "2-5 us", "5-10 us", "10-20 us", "20-50 us", "50-100 us",
        "100-200 us", "200-500 us", "0.5-1 ms", "1-10 ms", ">= 10 ms"};
    int[] counts = new int[labels.length];
    for (long l : sorted) {
      int b = 0;
      while (b < bounds.length && l >= bounds[b]) {
        b++;
      }
      counts[b]++;
    }
    for (int b = 0; b < labels.length; b++) {
      if (counts[b] > 0) {
        int bar = (int) Math.ceil(60.0 * counts[b] / sorted.length);
        System.out.printf(Locale.ROOT, "  %-11s %7d  %s%n", labels[b], counts[b], "#".repeat(bar));
      }
    }
  }

  static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String us(long nanos) {
    return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
  }
}
