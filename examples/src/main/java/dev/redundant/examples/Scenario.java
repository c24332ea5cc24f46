package dev.redundant.examples;

import dev.redundant.testing.FlakyTool;
import dev.redundant.testing.LatencyDistribution;
import dev.redundant.testing.OutageSwitch;
import dev.redundant.testing.QueueingBackend;
import dev.redundant.testing.ReplicaProfile;
import dev.redundant.testing.ReplicaSet;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The scenarios of {@code shared/hedging-effectiveness.md} (issue 10), each against a simulated
 * dependency from {@code dev.redundant.testing}. Times are in the scenario's seconds; scenarios whose
 * latencies are seconds run time-scaled.
 */
enum Scenario {
  S1("the seed tool: 20% fail at once, 10% take 5-7 s, 70% take 0.5-1.0 s; no call timeout", 0.1, 20,
      null, 1.0, 5, new double[] {0.5, 0.75, 1.5, 2, 3}, Shape.SEED_TOOL),
  S1D("S1 with a 1.5 s call timeout", 0.1, 20, 1.5, 1.0, 5, new double[] {0.5, 0.75, 1.25}, Shape.SEED_TOOL),
  S2("lognormal latency, median 10 ms, p99 200 ms; 500 ms call timeout", 1, 200, 0.5, 0.083, 3,
      new double[] {0.02, 0.03, 0.05, 0.065, 0.1, 0.13, 0.2}, Shape.LOGNORMAL),
  S3("S2, latencies doubled for attempts started in the second half", 1, 200, 0.5, 0.083, 3,
      new double[] {0.02, 0.04, 0.065, 0.1, 0.13, 0.17, 0.25}, Shape.DOUBLING),
  S5A("3 replicas x 4 workers, FIFO queues, service lognormal (median 10 ms, sigma 0.8) x (1 + busy/4);"
      + " 1 s call timeout; ~51% busy", 1, 260, 1.0, 0.065, 3, new double[] {0.03, 0.045, 0.1, 0.15},
      Shape.QUEUEING),
  S5B("S5a at 390 calls/s, ~86% busy", 1, 390, 1.0, 0.065, 3, new double[] {0.1, 0.15, 0.25}, Shape.QUEUEING),
  S6A("S2, then a total outage (every attempt fails after 1 ms), then recovery", 1, 200, 0.5, 0.083, 3,
      new double[] {0.03, 0.05, 0.13, 0.2}, Shape.OUTAGE_FAILING),
  S6B("S2, then a total outage in which every attempt hangs, then recovery", 1, 200, 0.5, 0.083, 3,
      new double[] {0.03, 0.05, 0.13, 0.2}, Shape.OUTAGE_HANGING),
  S7A("S2's dependency called by " + Scenario.CLOSED_LOOP_CALLERS + " closed-loop callers, each calling again as"
      + " soon as its call ends; 500 ms call timeout", 1, 0, 0.5, 0.083, 3,
      new double[] {0.03, 0.05, 0.13, 0.2}, Shape.CLOSED_LOOP),
  S7B("the seed tool, " + Scenario.BURST_CALLS + " calls at once, then 20 calls/s; no call timeout", 0.1, 20, null,
      1.0, 5, new double[] {0.5, 0.75, 1.5, 2, 3}, Shape.SEED_TOOL_BURST),
  S8("4 replicas, each lognormal (median 10 ms, sigma 0.8); first half: replica 1 is 5x slower; second half:"
      + " replica 1 healthy again, replica 3 fails 50% of attempts after 2 ms; 500 ms call timeout", 1, 400, 0.5,
      0.03, 3, new double[] {0.01, 0.015, 0.02, 0.045, 0.065, 0.1}, Shape.REPLICAS);

  /** S8's replicas. */
  static final int S8_REPLICAS = 4;
  /** S8's replica latency: median 10 ms, sigma 0.8. */
  private static final LatencyDistribution S8_LATENCY = LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8);

  /** S7a's callers: each makes one call at a time, and the next as soon as it ends. */
  static final int CLOSED_LOOP_CALLERS = 200;
  /** S7b's start-up burst: this many calls arrive at once, first of all. */
  static final int BURST_CALLS = 300;
  /**
   * When S7b's steady arrivals begin and its {@code burst} phase ends, in scenario seconds (1 s of real
   * time): a margin after the burst, whose calls all arrive at 0, so that the burst's threads, which a
   * loaded machine starts late (by up to tenths of a real second when a cold JVM starts 300 calls per
   * policy at once), are still counted in the burst.
   */
  static final double BURST_SECONDS = 10;

  /** The S2 latency: median 10 ms, sigma 1.288, so p99 = 10 ms x exp(2.326 x 1.288) = 200 ms. */
  private static final LatencyDistribution S2_LATENCY = LatencyDistribution.lognormal(Duration.ofMillis(10), 1.288);
  /** How long the dependency stays healthy after an S6 outage before the measurement may end. */
  static final double RECOVERY_PHASE_SECONDS = 10;

  private final String description;
  private final double timeScale;
  private final double ratePerSecond;
  private final Double timeoutSeconds;
  private final double fixedDelaySeconds;
  private final int fixedMaxAttempts;
  private final double[] sweepDelaysSeconds;
  private final Shape shape;

  /** The kind of dependency and timeline. */
  private enum Shape {
    SEED_TOOL, LOGNORMAL, DOUBLING, QUEUEING, OUTAGE_FAILING, OUTAGE_HANGING, CLOSED_LOOP, SEED_TOOL_BURST,
    REPLICAS
  }

  Scenario(String description, double timeScale, double ratePerSecond, Double timeoutSeconds,
      double fixedDelaySeconds, int fixedMaxAttempts, double[] sweepDelaysSeconds, Shape shape) {
    this.description = description;
    this.timeScale = timeScale;
    this.ratePerSecond = ratePerSecond;
    this.timeoutSeconds = timeoutSeconds;
    this.fixedDelaySeconds = fixedDelaySeconds;
    this.fixedMaxAttempts = fixedMaxAttempts;
    this.sweepDelaysSeconds = sweepDelaysSeconds;
    this.shape = shape;
  }

  /**
   * Finds a scenario by its id, ignoring case.
   *
   * @param id for example {@code "S1d"}
   * @return the scenario
   * @throws IllegalArgumentException naming {@code --scenario} if there is none
   */
  static Scenario byId(String id) {
    for (Scenario s : values()) {
      if (s.id().equalsIgnoreCase(id.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException("--scenario must be one of S1, S1d, S2, S3, S5a, S5b, S6a, S6b, S7a, S7b,"
        + " S8 or all, was '" + id + "'");
  }

  /** Returns the id as the issue writes it: {@code S1d}, {@code S5a}. */
  String id() {
    String name = name();
    return name.length() > 2 ? name.substring(0, 2) + name.substring(2).toLowerCase() : name;
  }

  String description() {
    return description;
  }

  /** Real seconds per scenario second. */
  double timeScale() {
    return timeScale;
  }

  /** Calls started per scenario second (open-loop scenarios; after the burst on S7b); 0 on S7a. */
  double ratePerSecond() {
    return ratePerSecond;
  }

  /** How the calls come, for the report: a rate, closed-loop callers, or a burst and a rate. */
  String loadText() {
    return switch (shape) {
      case CLOSED_LOOP -> CLOSED_LOOP_CALLERS + " closed-loop callers";
      case SEED_TOOL_BURST -> BURST_CALLS + " calls at once, then " + Math.round(ratePerSecond) + " calls/s";
      default -> Math.round(ratePerSecond) + " calls/s";
    };
  }

  /** Whether the calls come from closed-loop callers (S7a) instead of open-loop arrivals. */
  boolean closedLoop() {
    return shape == Shape.CLOSED_LOOP;
  }

  /**
   * Whether the arrivals begin with a burst of {@link #BURST_CALLS} at once (S7b), with no warm-up before:
   * the burst is the first traffic the policy sees, as at a service's start.
   */
  boolean startsWithBurst() {
    return shape == Shape.SEED_TOOL_BURST;
  }

  /**
   * Whether the scenario is about many concurrent calls (S7a, S7b): its adaptive policy uses a budget at
   * its defaults ({@code HedgeBudget.builder().build()}), the policies include {@code adaptive-no-budget}
   * and not the notebook's 2 at once.
   */
  boolean aboutConcurrency() {
    return shape == Shape.CLOSED_LOOP || shape == Shape.SEED_TOOL_BURST;
  }

  /**
   * Whether the scenario is about routing over replicas (S8): its policies are {@code none}, the blind
   * {@code fixed} and {@code adaptive} (attempt {@code i} to replica {@code (primary + i) mod 4}, the
   * primary random per call, as users write it today) and {@code replica-aware} (the library routes).
   */
  boolean routesReplicas() {
    return shape == Shape.REPLICAS;
  }

  /** Whether the scenario also runs the adaptive policy with a budget at its defaults (S6a, S6b, for G13). */
  boolean comparesDefaultBudget() {
    return shape == Shape.OUTAGE_FAILING || shape == Shape.OUTAGE_HANGING;
  }

  /** The call timeout in scenario seconds, or null. */
  Double timeoutSeconds() {
    return timeoutSeconds;
  }

  /** The simulation's fixed hedge delay for this scenario, in scenario seconds. */
  double fixedDelaySeconds() {
    return fixedDelaySeconds;
  }

  /** The most attempts the fixed and adaptive policies start per call. */
  int maxAttempts() {
    return fixedMaxAttempts;
  }

  /** The extra fixed delays of {@code --sweep}, in scenario seconds. */
  double[] sweepDelaysSeconds() {
    return sweepDelaysSeconds.clone();
  }

  /**
   * The adaptive policy's target extra load {@code L}: 0.15 on the seed tool (S1, S1d, S7b), whose latency
   * is bimodal with 10% of calls very slow, so {@code L} must be above that share; 0.1 on S8 (as the issue
   * sets it); 0.05 elsewhere.
   */
  double targetExtraLoad() {
    return inSeconds() ? 0.15 : shape == Shape.REPLICAS ? 0.1 : 0.05;
  }

  /** Whether latencies read best in seconds (the seed tool) rather than milliseconds. */
  boolean inSeconds() {
    return shape == Shape.SEED_TOOL || shape == Shape.SEED_TOOL_BURST;
  }

  /** Whether the scenario compares the adaptive policy without deadline awareness too (S1d, for G2). */
  boolean comparesDeadlineAwareness() {
    return this == S1D;
  }

  /**
   * Returns the phases over a measurement of {@code measuredSeconds}: S3 halves; S6 a healthy first
   * quarter (in no phase but all), an outage until half-time, 10 s of recovery, then the rest; S7b the
   * burst (its calls arrive at 0), then the steady arrivals from {@link #BURST_SECONDS}.
   *
   * @param measuredSeconds the measurement's length, in scenario seconds
   * @return the timeline
   */
  Timeline timeline(double measuredSeconds) {
    return switch (shape) {
      case DOUBLING, REPLICAS -> new Timeline(List.of(new Timeline.PhaseStart(Phase.FIRST_HALF, 0),
          new Timeline.PhaseStart(Phase.SECOND_HALF, measuredSeconds / 2)), measuredSeconds);
      case OUTAGE_FAILING, OUTAGE_HANGING -> new Timeline(List.of(
          new Timeline.PhaseStart(Phase.OUTAGE, measuredSeconds / 4),
          new Timeline.PhaseStart(Phase.RECOVERY_10S, measuredSeconds / 2),
          new Timeline.PhaseStart(Phase.AFTER_RECOVERY, measuredSeconds / 2 + RECOVERY_PHASE_SECONDS)),
          measuredSeconds);
      case SEED_TOOL_BURST -> new Timeline(List.of(new Timeline.PhaseStart(Phase.BURST, 0),
          new Timeline.PhaseStart(Phase.AFTER_BURST, BURST_SECONDS)), measuredSeconds);
      default -> Timeline.single(measuredSeconds);
    };
  }

  /**
   * Builds a fresh dependency for one policy's run.
   *
   * @param seed the seed of its random draws, the same for every policy of a run
   * @param timeline the run's phases, which S3 and S6 follow
   * @return the dependency
   */
  Dependency newDependency(long seed, Timeline timeline) {
    return switch (shape) {
      case SEED_TOOL, SEED_TOOL_BURST -> seedTool(seed);
      case LOGNORMAL, DOUBLING, CLOSED_LOOP -> lognormal(seed, null, timeline);
      case QUEUEING -> queueing(seed);
      case OUTAGE_FAILING -> lognormal(seed, OutageSwitch.builder().failureLatency(Duration.ofMillis(1)).build(),
          timeline);
      case OUTAGE_HANGING -> lognormal(seed, OutageSwitch.builder().build(), timeline);
      case REPLICAS -> replicas(seed, timeline);
    };
  }

  /**
   * S8: four replicas. A policy that routes ({@code attempt.replicaIndex() >= 0}) sends each attempt where
   * the library chose; a blind one sends attempt {@code i} to {@code (primary + i) mod 4}, the primary drawn
   * per call from the seed. Replica 1 is 5x slower until half-time; from then replica 1 is healthy and
   * replica 3 fails half of its attempts after 2 ms.
   */
  private Dependency replicas(long seed, Timeline timeline) {
    ReplicaProfile healthy = ReplicaProfile.of(S8_LATENCY);
    ReplicaSet set = ReplicaSet.builder().replicas(S8_REPLICAS, healthy).seed(seed).build();
    set.profile(1, ReplicaProfile.of(S8_LATENCY.scaledBy(5)));
    return new Dependency() {
      /** Written by the run's scheduler, read by attempt threads (the oracle). */
      private volatile boolean secondHalf;

      @Override
      public Object call(dev.redundant.Attempt attempt, long callIndex) throws Exception {
        return set.call(replicaFor(attempt, callIndex));
      }

      @Override
      public int replicaFor(dev.redundant.Attempt attempt, long callIndex) {
        if (attempt.replicaIndex() >= 0) {
          return attempt.replicaIndex();
        }
        int primary = new SplittableRandom(seed ^ callIndex).nextInt(S8_REPLICAS);
        return (primary + attempt.index()) % S8_REPLICAS;
      }

      @Override
      public int oracleReplicaFor(dev.redundant.Attempt attempt, long callIndex) {
        // The three replicas healthy in this phase (replica 1 is slow in the first half, replica 3 fails
        // in the second), from a primary drawn per call as the blind policies draw theirs.
        int[] healthy = secondHalf ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        int primary = new SplittableRandom(seed ^ callIndex).nextInt(healthy.length);
        return healthy[(primary + attempt.index()) % healthy.length];
      }

      @Override
      public int replicas() {
        return S8_REPLICAS;
      }

      @Override
      public void advanceTo(double seconds) {
        if (!secondHalf && timeline.measures(seconds) && timeline.phaseAt(seconds) == Phase.SECOND_HALF) {
          secondHalf = true;
          set.profile(1, healthy);
          set.profile(3, healthy.withFailureRate(0.5).withFailureLatency(Duration.ofMillis(2)));
        }
      }
    };
  }

  private Dependency seedTool(long seed) {
    FlakyTool tool = FlakyTool.builder().failureRate(0.2).seed(seed).timeScale(timeScale).build();
    return (attempt, callIndex) -> tool.fetch("q");
  }

  /** S2, S3 (doubling at the second half) and S6 (with an outage switch). */
  private Dependency lognormal(long seed, OutageSwitch outage, Timeline timeline) {
    ReplicaSet replicas = ReplicaSet.builder().replica(ReplicaProfile.of(S2_LATENCY)).seed(seed).build();
    return new Dependency() {
      @Override
      public Object call(dev.redundant.Attempt attempt, long callIndex) throws Exception {
        if (outage != null) {
          outage.pass();
        }
        return replicas.call(0);
      }

      @Override
      public void advanceTo(double seconds) {
        Phase phase = timeline.measures(seconds) ? timeline.phaseAt(seconds) : null;
        if (phase == Phase.SECOND_HALF && replicas.profile(0).latency() == S2_LATENCY) {
          replicas.profile(0, ReplicaProfile.of(S2_LATENCY.scaledBy(2)));
        }
        if (outage != null) {
          boolean down = phase == Phase.OUTAGE;
          if (down && outage.state() == OutageSwitch.State.UP) {
            if (shape == Shape.OUTAGE_FAILING) {
              outage.failCalls();
            } else {
              outage.hangCalls();
            }
          } else if (!down && outage.state() != OutageSwitch.State.UP) {
            outage.restore();
          }
        }
      }
    };
  }

  /** S5: attempt {@code i} of a call goes to replica {@code (primary + i) mod 3}, the primary random. */
  private Dependency queueing(long seed) {
    QueueingBackend backend = QueueingBackend.builder()
        .replicas(3)
        .workersPerReplica(4)
        .serviceTime(LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8))
        .slowdown(1)
        .seed(seed)
        .build();
    return new Dependency() {
      @Override
      public Object call(dev.redundant.Attempt attempt, long callIndex) throws Exception {
        int primary = new SplittableRandom(seed ^ callIndex).nextInt(backend.replicas());
        return backend.call((primary + attempt.index()) % backend.replicas());
      }

      @Override
      public String load(double elapsedRealSeconds) {
        double capacity = elapsedRealSeconds * backend.replicas() * backend.workersPerReplica();
        return String.format("backend busy %.0f%%, %d requests left a queue, %d cancelled in service",
            100 * backend.busyTime().toNanos() / 1e9 / capacity, backend.leftQueue(), backend.cancelledInService());
      }
    };
  }
}
