package dev.redundant.bench;

import dev.redundant.Redundant;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The library at scale:
 *
 * <ol>
 * <li><b>Parked races</b> (3 rounds, medians reported): {@code N} (100,000) concurrent {@code firstSuccessAsync(2, task)} races whose two
 *     attempts both park until interrupted. Heap per race = (used heap after {@code System.gc()} with all
 *     2N attempts parked - used heap before) / N. Then every future is cancelled, timed until the last
 *     attempt has ended. For reference, the same with 2N bare virtual threads (no library) parked the same
 *     way and interrupted.</li>
 * <li><b>Races in a row:</b> {@code M} (1,000,000) {@code firstSuccess(2, task)} calls, one after another,
 *     where one attempt returns at once and the other parks until interrupted. Used heap after GC is
 *     printed every 100,000 calls and must stay flat; at the end no attempt may be left running. Most
 *     losers never start their task there (the call is decided and cancels them first), so part 2b runs
 *     the same races with a winner that returns only once the loser is parked: each loser is then
 *     interrupted out of its park.</li>
 * </ol>
 *
 * <p>Attempts park with {@link LockSupport#park()} in a loop that ends on interrupt: no shared
 * synchronizer (waking many threads from one shared queue is quadratic). A counter tracks running
 * attempts: incremented when an attempt's task starts, decremented when it ends.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.ScaleTest [parkedRaces] [racesInARow]
 * </pre>
 */
public final class ScaleTest {
  /** Attempts whose task has started and not ended. */
  static final AtomicInteger RUNNING = new AtomicInteger();
  /** Counted down when RUNNING drops to zero, while armed. */
  static volatile CountDownLatch drained = new CountDownLatch(1);

  /** Parks until interrupted. */
  static final Callable<Integer> PARK_UNTIL_INTERRUPTED = () -> {
    RUNNING.incrementAndGet();
    try {
      parkUntilInterrupted();
      throw new InterruptedException();
    } finally {
      if (RUNNING.decrementAndGet() == 0) {
        drained.countDown();
      }
    }
  };

  private ScaleTest() {}

  static void parkUntilInterrupted() {
    while (!Thread.interrupted()) {
      LockSupport.park();
    }
  }

  public static void main(String[] args) throws Exception {
    int parked = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int inARow = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    System.out.printf(Locale.ROOT, "ScaleTest: java %s, %d cpus, max heap %d MB%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

    System.out.println("-- warm-up: 3 x 10,000 parked races, then 50,000 races in a row");
    for (int i = 0; i < 3; i++) {
      parkedRaces(10_000, false);
    }
    racesInARow(50_000, false, false);
    racesInARow(20_000, true, false);
    bareThreads(10_000, false);

    System.out.printf(Locale.ROOT, "-- part 1: %,d concurrent firstSuccessAsync(2) races, both attempts parked;"
        + " %d rounds, each followed by the reference: %,d x 2 bare virtual threads parked, then interrupted%n",
        parked, ROUNDS, parked);
    double[][] library = new double[ROUNDS][];
    double[][] bare = new double[ROUNDS][];
    for (int r = 0; r < ROUNDS; r++) {
      System.out.printf(Locale.ROOT, "round %d:%n", r + 1);
      library[r] = parkedRaces(parked, true);
      bare[r] = bareThreads(parked, true);
    }
    double heap = median(library, 0);
    double cancelAll = median(library, 1);
    System.out.printf(Locale.ROOT, "median of %d rounds: heap per parked race %.0f bytes (%.2f KB), cancel all %.1f ms"
            + " (rounds: %s ms); reference: 2 bare threads %.0f bytes, interrupting all %.1f ms (rounds: %s ms)%n",
        ROUNDS, heap, heap / 1024, cancelAll, column(library, 1), median(bare, 0), median(bare, 1), column(bare, 1));
    System.out.printf(Locale.ROOT, "RESULT parked.races=%d parked.heapPerRaceBytes=%.0f parked.cancelAllMs=%.1f"
            + " parked.cancelAllMsMin=%.1f parked.cancelAllMsMax=%.1f parked.cancelLoopMs=%.1f%n", parked, heap,
        cancelAll, min(library, 1), max(library, 1), median(library, 2));
    System.out.printf(Locale.ROOT, "RESULT bare.heapPer2ThreadsBytes=%.0f bare.interruptAllMs=%.1f"
        + " bare.interruptAllMsMin=%.1f bare.interruptAllMsMax=%.1f%n", median(bare, 0), median(bare, 1),
        min(bare, 1), max(bare, 1));

    System.out.printf(Locale.ROOT, "-- part 2: %,d firstSuccess(2) races in a row, one attempt wins at once,"
        + " the other parks until interrupted%n", inARow);
    racesInARow(inARow, false, true);
    System.out.printf(Locale.ROOT, "-- part 2b: %,d firstSuccess(2) races in a row, the winner returns once the"
        + " loser is parked, the loser parks until interrupted%n", inARow);
    racesInARow(inARow, true, true);
  }

  // ------------------------------------------------------------------ part 1

  /** Returns heap bytes per race, ms to cancel all, ms of the cancel() loop. */
  static double[] parkedRaces(int n, boolean print) throws Exception {
    CompletableFuture<?>[] futures = new CompletableFuture<?>[n];
    long before = usedHeapAfterGc();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      futures[i] = Redundant.firstSuccessAsync(2, PARK_UNTIL_INTERRUPTED);
    }
    long launched = System.nanoTime() - t0;
    awaitRunning(2 * n, 120);
    long allParked = System.nanoTime() - t0;
    long after = usedHeapAfterGc();
    double perRace = (after - before) / (double) n;

    CountDownLatch done = new CountDownLatch(1);
    drained = done;
    long c0 = System.nanoTime();
    for (CompletableFuture<?> f : futures) {
      f.cancel(true);
    }
    long cancelLoop = System.nanoTime() - c0;
    boolean ok = done.await(60, TimeUnit.SECONDS);
    long cancelAll = System.nanoTime() - c0;
    int cancelled = 0;
    for (CompletableFuture<?> f : futures) {
      cancelled += f.isCancelled() ? 1 : 0;
    }
    if (print) {
      System.out.printf(Locale.ROOT, "  library: launched %,d races in %.0f ms, all %,d attempts parked after"
          + " %.0f ms; used heap after GC: before %.1f MB, all parked %.1f MB: %.0f bytes per race (%.2f KB);"
          + " cancel all: %.1f ms until no attempt runs (cancel() loop %.1f ms; %,d futures cancelled;"
          + " attempts running now %d)%s%n", n, launched / 1e6, 2 * n, allParked / 1e6, before / 1e6,
          after / 1e6, perRace, perRace / 1024, cancelAll / 1e6, cancelLoop / 1e6, cancelled, RUNNING.get(),
          ok ? "" : "  TIMED OUT");
    } else if (!ok) {
      throw new AssertionError("warm-up: attempts still running: " + RUNNING.get());
    }
    return new double[] {perRace, ok ? cancelAll / 1e6 : Double.NaN, cancelLoop / 1e6};
  }

  /** The same parking with no library: 2 bare virtual threads per race, then interrupt them all. */
  /** Returns heap bytes per 2 threads, ms to interrupt all until none runs. */
  static double[] bareThreads(int n, boolean print) throws Exception {
    Thread[] threads = new Thread[2 * n];
    Runnable park = () -> {
      try {
        PARK_UNTIL_INTERRUPTED.call();
      } catch (Exception expected) {
        // interrupted
      }
    };
    long before = usedHeapAfterGc();
    for (int i = 0; i < threads.length; i++) {
      threads[i] = Thread.startVirtualThread(park);
    }
    awaitRunning(2 * n, 120);
    long after = usedHeapAfterGc();
    CountDownLatch done = new CountDownLatch(1);
    drained = done;
    long c0 = System.nanoTime();
    for (Thread t : threads) {
      t.interrupt();
    }
    boolean ok = done.await(60, TimeUnit.SECONDS);
    long all = System.nanoTime() - c0;
    double perPair = (after - before) / (double) n;
    if (print) {
      System.out.printf(Locale.ROOT, "  reference: %.0f bytes per 2 bare parked virtual threads; interrupting all:"
          + " %.1f ms%s%n", perPair, all / 1e6, ok ? "" : "  TIMED OUT");
    }
    return new double[] {perPair, ok ? all / 1e6 : Double.NaN};
  }

  private static final int ROUNDS = 3;

  private static double median(double[][] rows, int col) {
    double[] v = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      v[i] = rows[i][col];
    }
    java.util.Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double min(double[][] rows, int col) {
    return java.util.Arrays.stream(rows).mapToDouble(r -> r[col]).min().orElse(Double.NaN);
  }

  private static double max(double[][] rows, int col) {
    return java.util.Arrays.stream(rows).mapToDouble(r -> r[col]).max().orElse(Double.NaN);
  }

  private static String column(double[][] rows, int col) {
    StringBuilder sb = new StringBuilder();
    for (double[] r : rows) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", r[col]));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ part 2

  /** One race's state in part 2. */
  private static final class Pair {
    final AtomicBoolean decided = new AtomicBoolean();
    volatile boolean loserParked;
  }

  /**
   * Runs {@code m} races one after another.
   *
   * @param waitForLoser whether the winner waits until the loser's task has started before it returns
   *     (otherwise it returns at once, and the loser is usually cancelled before its task starts)
   */
  static void racesInARow(int m, boolean waitForLoser, boolean print) throws Exception {
    AtomicInteger parkedLosers = new AtomicInteger();
    long first = -1;
    long last = -1;
    long t0 = System.nanoTime();
    for (int i = 0; i < m; i++) {
      Pair pair = new Pair();
      int value = i;
      Integer won = Redundant.firstSuccess(2, () -> {
        RUNNING.incrementAndGet();
        try {
          if (pair.decided.compareAndSet(false, true)) {
            while (waitForLoser && !pair.loserParked) {
              Thread.yield();
            }
            return value;
          }
          parkedLosers.incrementAndGet();
          pair.loserParked = true;
          parkUntilInterrupted();
          throw new InterruptedException();
        } finally {
          RUNNING.decrementAndGet();
        }
      });
      if (won == null || won != value) {
        throw new AssertionError("race " + i + " returned " + won);
      }
      if (print && (i + 1) % 100_000 == 0) {
        long used = usedHeapAfterGc();
        if (first < 0) {
          first = used;
        }
        last = used;
        System.out.printf(Locale.ROOT, "after %,9d races: used heap after GC %.1f MB, attempts running %d,"
            + " %.1f s%n", i + 1, used / 1e6, RUNNING.get(), (System.nanoTime() - t0) / 1e9);
      }
    }
    long elapsed = System.nanoTime() - t0;
    long drainStart = System.nanoTime();
    while (RUNNING.get() != 0 && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(10)) {
      Thread.sleep(1);
    }
    long drain = System.nanoTime() - drainStart;
    int left = RUNNING.get();
    if (print) {
      System.out.printf(Locale.ROOT, "%,d races in %.1f s (%.1f us per race); losers that parked and were"
          + " interrupted: %,d (the others were cancelled before their task started)%n", m, elapsed / 1e9,
          elapsed / 1e3 / m, parkedLosers.get());
      System.out.printf(Locale.ROOT, "races in a row (%s): heap after GC first %.1f MB, last %.1f MB"
          + " (change %+.1f MB); attempts left running at the end: %d (after %.0f ms)%n",
          waitForLoser ? "loser parked" : "winner at once", first / 1e6, last / 1e6, (last - first) / 1e6, left,
          drain / 1e6);
      String key = waitForLoser ? "inARowLoserParked" : "inARow";
      System.out.printf(Locale.ROOT, "RESULT %1$s.races=%2$d %1$s.heapFirstMB=%3$.1f %1$s.heapLastMB=%4$.1f"
              + " %1$s.leftRunning=%5$d %1$s.usPerRace=%6$.1f %1$s.parkedLosers=%7$d%n", key, m, first / 1e6,
          last / 1e6, left, elapsed / 1e3 / m, parkedLosers.get());
    } else if (left != 0) {
      throw new AssertionError("warm-up: attempts still running: " + left);
    }
  }

  // ------------------------------------------------------------------ helpers

  static void awaitRunning(int expected, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (RUNNING.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + RUNNING.get() + " of " + expected + " attempts started");
      }
      Thread.sleep(5);
    }
  }

  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(20);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
