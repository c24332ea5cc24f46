package dev.redundant.bench;

import dev.redundant.Hedge;
import dev.redundant.Replicas;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Throughput of one routed policy under many concurrent callers, against the same policy without
 * routing: do the replicas' shared counts and estimates serialise callers? {@code callers} virtual
 * threads call one policy in a loop for a round of {@code roundMillis} ({@link AdaptiveThroughput#round});
 * rounds alternate routed / not routed (ABBA order), and each pair of rounds gives one throughput ratio.
 * Prints the median ratio and its interquartile range, then the replicas' statistics.
 *
 * <p>The task returns at once and ignores its replica, so the first attempt always wins and the two
 * policies differ only in routing: every attempt is chosen, counted at its start and at its end, on one of
 * three replicas shared by every caller.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.RoutedThroughput [callers] [rounds] [roundMillis]
 *   defaults: 10000 callers, 20 rounds, 500 ms per round (after 2 warm-up rounds of each)
 * </pre>
 */
public final class RoutedThroughput {
  private RoutedThroughput() {}

  public static void main(String[] args) throws Exception {
    int callers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long roundMillis = args.length > 2 ? Long.parseLong(args[2]) : 500;
    Replicas<Integer> replicas = Replicas.of(0, 1, 2);
    Hedge<Integer> routed = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1))
        .replicas(replicas).build();
    Hedge<Integer> plain = Hedge.<Integer>builder().maxAttempts(2).delay(Duration.ofSeconds(1)).build();
    System.out.printf(Locale.ROOT, "RoutedThroughput: %,d virtual callers, %d rounds of %d ms; java %s, %d cpus%n",
        callers, rounds, roundMillis, Runtime.version(), Runtime.getRuntime().availableProcessors());
    for (int w = 0; w < 2; w++) {
      AdaptiveThroughput.round(routed, callers, roundMillis);
      AdaptiveThroughput.round(plain, callers, roundMillis);
    }
    double[] ratios = new double[rounds];
    double[] routedRates = new double[rounds];
    double[] plainRates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      boolean routedFirst = (r & 1) == 0;
      double first = AdaptiveThroughput.round(routedFirst ? routed : plain, callers, roundMillis);
      double second = AdaptiveThroughput.round(routedFirst ? plain : routed, callers, roundMillis);
      routedRates[r] = routedFirst ? first : second;
      plainRates[r] = routedFirst ? second : first;
      ratios[r] = routedRates[r] / plainRates[r];
    }
    Arrays.sort(ratios);
    Arrays.sort(routedRates);
    Arrays.sort(plainRates);
    System.out.printf(Locale.ROOT, "routed / not routed throughput: median %.2fx (IQR %.2f-%.2f); routed %,.0f calls/s,"
        + " not routed %,.0f calls/s (medians)%n", PairedRatios.quantile(ratios, 0.5),
        PairedRatios.quantile(ratios, 0.25), PairedRatios.quantile(ratios, 0.75),
        PairedRatios.quantile(routedRates, 0.5), PairedRatios.quantile(plainRates, 0.5));
    System.out.printf(Locale.ROOT, "RESULT routedThroughput.median=%.3f routedThroughput.p25=%.3f"
        + " routedThroughput.p75=%.3f%n", PairedRatios.quantile(ratios, 0.5), PairedRatios.quantile(ratios, 0.25),
        PairedRatios.quantile(ratios, 0.75));
    replicas.statistics().forEach(s -> System.out.println("  " + s));
  }
}
