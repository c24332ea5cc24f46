package dev.redundant.examples;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One policy's run of a scenario with closed-loop callers (S7a): {@link Scenario#CLOSED_LOOP_CALLERS}
 * virtual threads, each making one call at a time and the next as soon as it ends, from the start of the
 * warm-up until the end of the measurement. So the calls in flight stay at the number of callers, and the
 * call rate is what the dependency's latency (and the policy) allows: hedge demand comes in waves from
 * many calls at once. A call's latency runs from its start to its end; calls started before the
 * measurement (the warm-up, {@link OpenLoopRun#WARM_UP_REAL_SECONDS}) or after it are not measured.
 *
 * <p>There is no schedule to be late for: the timing check is a probe thread of the run's own that sleeps
 * 1 ms at a time through the measurement and reports how late it woke, which is how much the load on the
 * machine stretches every simulated latency.
 */
final class ClosedLoopRun implements ScenarioRun {
  /** The longest a run waits for its callers' last calls after the measurement ends, in real seconds. */
  private static final long DRAIN_REAL_SECONDS = 60;
  private static final long PROBE_SLEEP_NANOS = 1_000_000;

  private final Scenario scenario;
  private final ScenarioPolicy policy;
  private final Timeline timeline;
  private final Dependency dependency;
  private final PhaseCounter counter;
  private final Hedge<Object> hedge;
  private final Caller[] callers = new Caller[Scenario.CLOSED_LOOP_CALLERS];
  private final AtomicLong callIndex = new AtomicLong();
  private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
  private final long[] probeLags;
  private int probes;
  private Thread[] threads;
  private Thread probe;
  private long originNanos;
  private long endNanos;

  /** One caller's measured calls, kept by its own thread and read after it ends. */
  private static final class Caller {
    long[] latencyNanos = new long[1024];
    double[] startSeconds = new double[1024];
    boolean[] succeeded = new boolean[1024];
    int calls;

    void add(double start, long latency, boolean success) {
      if (calls == latencyNanos.length) {
        latencyNanos = Arrays.copyOf(latencyNanos, calls * 2);
        startSeconds = Arrays.copyOf(startSeconds, calls * 2);
        succeeded = Arrays.copyOf(succeeded, calls * 2);
      }
      latencyNanos[calls] = latency;
      startSeconds[calls] = start;
      succeeded[calls] = success;
      calls++;
    }
  }

  /**
   * Prepares a run: a fresh dependency, and the policy with its counter.
   *
   * @param scenario the scenario
   * @param policy the policy
   * @param timeline the measurement's phases
   * @param seed the seed of the dependency, the same for every policy
   */
  ClosedLoopRun(Scenario scenario, ScenarioPolicy policy, Timeline timeline, long seed) {
    this.scenario = scenario;
    this.policy = policy;
    this.timeline = timeline;
    this.dependency = scenario.newDependency(seed, timeline);
    this.counter = new PhaseCounter(timeline, scenario.timeScale());
    this.hedge = policy.build().apply(counter);
    this.probeLags = new long[(int) (timeline.endSeconds() * scenario.timeScale() * 1e9 / PROBE_SLEEP_NANOS) + 1];
  }

  /** Starts the callers now (the warm-up runs until {@code originNanos}) and the timing probe. */
  @Override
  public void start(long originNanos) {
    this.originNanos = originNanos;
    this.endNanos = originNanos + Math.round(timeline.endSeconds() * scenario.timeScale() * 1e9);
    counter.start(originNanos);
    threads = new Thread[callers.length];
    for (int i = 0; i < callers.length; i++) {
      Caller caller = new Caller();
      callers[i] = caller;
      threads[i] = Thread.ofVirtual().name("caller " + scenario.id() + " " + policy.policy() + " " + i)
          .start(() -> callInALoop(caller));
    }
    probe = Thread.ofVirtual().name("probe " + scenario.id() + " " + policy.policy()).start(this::probe);
  }

  private void callInALoop(Caller caller) {
    for (long start = System.nanoTime(); start - endNanos < 0; start = System.nanoTime()) {
      long call = callIndex.getAndIncrement();
      boolean success = false;
      try {
        hedge.call(attempt -> dependency.call(attempt, call));
        success = true;
      } catch (AllAttemptsFailedException e) {
        // a failed call (its timeout included): measured at its failure
      } catch (Throwable t) {
        unexpected.compareAndSet(null, t);
        return;
      }
      long latency = System.nanoTime() - start;
      double seconds = (start - originNanos) / 1e9 / scenario.timeScale();
      if (timeline.measures(seconds)) {
        caller.add(seconds, latency, success);
      }
    }
  }

  private void probe() {
    for (long now = System.nanoTime(); now - originNanos < 0; now = System.nanoTime()) {
      LockSupport.parkNanos(originNanos - now);
    }
    int n = 0;
    while (n < probeLags.length && System.nanoTime() - endNanos < 0) {
      long before = System.nanoTime();
      LockSupport.parkNanos(PROBE_SLEEP_NANOS);
      probeLags[n++] = Math.max(0, System.nanoTime() - before - PROBE_SLEEP_NANOS);
    }
    probes = n;
  }

  @Override
  public void await() throws InterruptedException {
    long deadline = endNanos + TimeUnit.SECONDS.toNanos(DRAIN_REAL_SECONDS);
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !thread.join(java.time.Duration.ofNanos(left))) {
        throw new IllegalStateException(scenario.id() + " " + policy.policy() + ": callers still calling "
            + DRAIN_REAL_SECONDS + " s after the measurement ended");
      }
    }
    probe.join();
    if (unexpected.get() != null) {
      throw new IllegalStateException(scenario.id() + " " + policy.policy() + ": a call failed unexpectedly",
          unexpected.get());
    }
  }

  @Override
  public List<StrategyResult> results() {
    int total = 0;
    for (Caller caller : callers) {
      total += caller.calls;
    }
    double[] startSeconds = new double[total];
    long[] latencyNanos = new long[total];
    boolean[] succeeded = new boolean[total];
    int n = 0;
    for (Caller caller : callers) {
      System.arraycopy(caller.startSeconds, 0, startSeconds, n, caller.calls);
      System.arraycopy(caller.latencyNanos, 0, latencyNanos, n, caller.calls);
      System.arraycopy(caller.succeeded, 0, succeeded, n, caller.calls);
      n += caller.calls;
    }
    return ScenarioRun.rows(scenario, policy, timeline, counter, total, startSeconds, latencyNanos, succeeded, null, 0);
  }

  @Override
  public long[] startLagNanos() {
    return Arrays.copyOf(probeLags, probes);
  }

  @Override
  public String lagText() {
    return "a 1 ms sleep of a probe thread overslept by";
  }

  /** The measured calls per second of real time: how much traffic the closed loop made. */
  @Override
  public String load() {
    long calls = 0;
    for (Caller caller : callers) {
      calls += caller.calls;
    }
    double seconds = timeline.endSeconds() * scenario.timeScale();
    return ScenarioRun.joined(String.format(Locale.ROOT, "%,.0f calls/s from %d callers", calls / seconds,
        callers.length), counter.denials());
  }

  @Override
  public ScenarioPolicy policy() {
    return policy;
  }
}
