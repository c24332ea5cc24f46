package dev.redundant.examples;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Attempt;
import dev.redundant.Hedge;
import dev.redundant.HedgeListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One policy's run of a scenario with open-loop arrivals: calls arrive at the scenario's rate (Poisson,
 * seeded), each on a virtual thread of its own started on schedule whether or not earlier calls have
 * finished, as in the simulation. A call's latency runs from the start of its thread; how late threads
 * started is reported apart ({@link #startLagNanos()}). A warm-up before the measurement lets the JIT compile; its calls are not measured.
 * S7b's arrivals are a burst of {@link Scenario#BURST_CALLS} calls at the measurement's time 0, then
 * Poisson arrivals from {@link Scenario#BURST_SECONDS}: the burst is the first traffic its policy sees.
 * Its warm-up arrivals call a throwaway copy of the policy and of the dependency instead, so that the
 * JIT has compiled the code the burst runs, but no policy state (delay, budget) has been learnt.
 */
final class OpenLoopRun implements ScenarioRun {
  /** Real seconds of arrivals before the measurement, not measured. */
  static final double WARM_UP_REAL_SECONDS = 3;
  /** The longest a run waits for its last calls after the last arrival, in real seconds. */
  private static final long DRAIN_REAL_SECONDS = 60;

  private final Scenario scenario;
  private final ScenarioPolicy policy;
  private final Timeline timeline;
  private final Dependency dependency;
  private final PhaseCounter counter;
  private final Hedge<Object> hedge;
  /** The policy the warm-up calls: {@link #hedge}, or on S7b a throwaway copy with its own dependency. */
  private final Hedge<Object> warmUpHedge;
  private final Dependency warmUpDependency;
  private final double[] arrivalSeconds; // scenario seconds from the measurement's start; warm-up < 0
  private final long[] latencyNanos;
  private final long[] startLagNanos;
  private final double[] startSeconds; // when each call actually started, in the measurement's time
  private final boolean[] succeeded;
  /** The replica of each call's first attempt, where the dependency has replicas (S8); else -1. */
  private final int[] primaryReplica;
  private final CountDownLatch done;
  private final AtomicReference<Throwable> unexpected = new AtomicReference<>();
  private Thread scheduler;
  private long originNanos;
  private long endNanos;

  /**
   * Prepares a run: the arrival schedule, a fresh dependency, and the policy with its counter.
   *
   * @param scenario the scenario
   * @param policy the policy
   * @param timeline the measurement's phases
   * @param seed the seed of the arrivals and the dependency, the same for every policy
   */
  OpenLoopRun(Scenario scenario, ScenarioPolicy policy, Timeline timeline, long seed) {
    this.scenario = scenario;
    this.policy = policy;
    this.timeline = timeline;
    this.dependency = scenario.newDependency(seed, timeline);
    this.counter = new PhaseCounter(timeline, scenario.timeScale());
    this.hedge = policy.build().apply(counter);
    this.warmUpHedge = scenario.startsWithBurst() ? policy.build().apply(new HedgeListener() {}) : hedge;
    this.warmUpDependency = scenario.startsWithBurst() ? scenario.newDependency(seed + 1, timeline) : dependency;
    this.arrivalSeconds = poissonArrivals(scenario, timeline.endSeconds(), new SplittableRandom(seed));
    this.latencyNanos = new long[arrivalSeconds.length];
    this.startLagNanos = new long[arrivalSeconds.length];
    this.startSeconds = new double[arrivalSeconds.length];
    this.succeeded = new boolean[arrivalSeconds.length];
    this.primaryReplica = new int[arrivalSeconds.length];
    Arrays.fill(primaryReplica, -1);
    this.done = new CountDownLatch(arrivalSeconds.length);
  }

  private static double[] poissonArrivals(Scenario scenario, double endSeconds, SplittableRandom random) {
    double t = -WARM_UP_REAL_SECONDS / scenario.timeScale();
    int n = 0;
    double[] arrivals = new double[(int) (scenario.ratePerSecond() * (endSeconds - t) * 1.2) + 100
        + Scenario.BURST_CALLS];
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / scenario.ratePerSecond();
      if (scenario.startsWithBurst() && t >= 0 && t < Scenario.BURST_SECONDS) {
        for (int i = 0; i < Scenario.BURST_CALLS; i++) {
          arrivals[n++] = 0; // the burst, first of all the measured calls; then no arrival until BURST_SECONDS
        }
        t = Scenario.BURST_SECONDS;
      }
      if (t >= endSeconds) {
        return Arrays.copyOf(arrivals, n);
      }
      if (n == arrivals.length) {
        arrivals = Arrays.copyOf(arrivals, n * 2);
      }
      arrivals[n++] = t;
    }
  }

  /**
   * Starts the arrivals, on a platform thread of their own.
   *
   * @param originNanos the {@link System#nanoTime()} reading of the measurement's time 0, shared by the
   *     runs of a scenario so that their phases line up
   */
  @Override
  public void start(long originNanos) {
    this.originNanos = originNanos;
    counter.start(originNanos);
    scheduler = Thread.ofPlatform().name("arrivals " + scenario.id() + " " + policy.policy()).daemon()
        .start(this::scheduleCalls);
  }

  private void scheduleCalls() {
    for (int i = 0; i < arrivalSeconds.length; i++) {
      long due = dueNanos(i);
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      dependency.advanceTo(arrivalSeconds[i]);
      int call = i;
      Thread.startVirtualThread(() -> makeCall(call));
    }
  }

  private long dueNanos(int call) {
    return originNanos + Math.round(arrivalSeconds[call] * scenario.timeScale() * 1e9);
  }

  private void makeCall(int call) {
    // Latency runs from the call's actual start: a thread started late by a loaded machine is the
    // harness's delay, not the policy's; the timing check reports it apart.
    long start = System.nanoTime();
    startLagNanos[call] = start - dueNanos(call);
    startSeconds[call] = (start - originNanos) / 1e9 / scenario.timeScale();
    try {
      if (arrivalSeconds[call] < 0) {
        warmUpHedge.call(attempt -> warmUpDependency.call(attempt, call));
      } else {
        hedge.call(attempt -> {
          Attempt routed = policy.oracleRouted()
              ? new OracleAttempt(attempt, dependency.oracleReplicaFor(attempt, call)) : attempt;
          if (attempt.index() == 0) {
            primaryReplica[call] = dependency.replicaFor(routed, call);
          }
          return dependency.call(routed, call);
        });
      }
      succeeded[call] = true;
    } catch (AllAttemptsFailedException e) {
      // a failed call (its timeout included): measured at its failure
    } catch (Throwable t) {
      unexpected.compareAndSet(null, t);
    } finally {
      latencyNanos[call] = System.nanoTime() - start;
      done.countDown();
    }
  }

  /**
   * Waits for every call to end.
   *
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException if calls are still running after the drain time, or one failed in a way
   *     the policy does not explain (a bug)
   */
  @Override
  public void await() throws InterruptedException {
    scheduler.join();
    if (!done.await(DRAIN_REAL_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(scenario.id() + " " + policy.policy() + ": " + done.getCount()
          + " calls still running " + DRAIN_REAL_SECONDS + " s after the last arrival");
    }
    endNanos = System.nanoTime();
    if (unexpected.get() != null) {
      throw new IllegalStateException(scenario.id() + " " + policy.policy() + ": a call failed unexpectedly",
          unexpected.get());
    }
  }

  /**
   * Returns the run's rows: {@link Phase#ALL}, then one per phase of the timeline.
   *
   * @return the rows
   */
  @Override
  public List<StrategyResult> results() {
    return ScenarioRun.rows(scenario, policy, timeline, counter, arrivalSeconds.length, startSeconds, latencyNanos,
        succeeded, primaryReplica, dependency.replicas());
  }

  /**
   * Returns the measured calls' start lag: how late their virtual threads started after their scheduled
   * arrival, in real nanoseconds.
   *
   * @return the lags, unsorted
   */
  @Override
  public long[] startLagNanos() {
    List<Long> lags = new ArrayList<>();
    for (int i = 0; i < arrivalSeconds.length; i++) {
      if (timeline.measures(startSeconds[i])) {
        lags.add(startLagNanos[i]);
      }
    }
    return lags.stream().mapToLong(Long::longValue).toArray();
  }

  @Override
  public String lagText() {
    return "calls started late by";
  }

  /** The dependency's load over the run, where it has a notion of one, and what the budget denied. */
  @Override
  public String load() {
    double elapsed = (endNanos - dueNanos(0)) / 1e9;
    return ScenarioRun.joined(dependency.load(elapsed), counter.denials());
  }

  @Override
  public ScenarioPolicy policy() {
    return policy;
  }
}
