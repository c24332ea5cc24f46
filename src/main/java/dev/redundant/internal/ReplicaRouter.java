package dev.redundant.internal;

import dev.redundant.AttemptReport.Outcome;
import dev.redundant.TimeSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code Replicas} set observed of each replica, and the choice of a replica for each attempt:
 * never one already tried in the call (unless all were), else the cheaper of two random candidates
 * (power of two choices) by a cost that grows with the replica's latency, its recent failures and its
 * attempts in flight.
 *
 * <p><b>Latency</b> is a moving average of the answers' latencies, each weighted by the time since the
 * previous observation ({@code 1 - e^(-dt/decay)}), so that it follows a change within a few
 * {@code decay}s whatever the call rate. (A peak average, as Finagle's, jumps to every slow answer: with
 * lognormal latency it tracks the recent maximum, which hides a replica 5x slower than the others behind
 * the healthy replicas' own peaks.) An attempt cut short (a loser, a timeout) ran at least as long as it
 * did: it may raise the estimate, never lower it. <b>Failures</b> (failed, rejected, timed out) feed a
 * failure rate, an EWMA of 0s and 1s weighted the same way. <b>Sampling:</b> only an observed attempt
 * feeds the estimates, one that started when no observed attempt of its replica had started in the last
 * {@code decay / 1000} ({@link #started} decides, at the start, so the sample does not depend on the
 * outcome): at a high rate the end of most attempts then reads no clock and writes no estimate, and at
 * about 1,000 observations per {@code decay} the average still follows a change within a few
 * {@code decay}s. <b>Ageing:</b> a replica's latency and failure rate, read for a choice, decay
 * towards 0 with the time since its last observation, so that a replica that was slow or failing, and no
 * longer chosen, looks cheap again after a few {@code decay}s and is probed: it wins its share back if it
 * recovered, and its new observation sends it back if not. No replica is starved for good.
 *
 * <p>The cost is {@code latency x (inFlight + 1) / (1 - failureRate)^3}, the failure rate capped at 0.95:
 * cubed, because a replica that fails fast also has few attempts in flight, which would otherwise draw
 * traffic to it, and each of its failures costs a failover. On scenario S8 a replica failing half its
 * attempts after 2 ms kept 22% of first attempts of 4 with {@code 1 / (1 - failureRate)}, 10.2% with the
 * square (0.055 failovers per call) and 5.0% with the cube (0.029). A replica that never answered is taken
 * to be as slow as the slowest that did.
 *
 * <p><b>Thread safety:</b> lock-free; every call of every policy sharing it records and chooses at once.
 * The estimates are updated by a read, then an opaque write, of volatile fields (no fence on the call's
 * path): two updates of one replica at the same moment may lose one of them, a loss the estimate does not notice (it is a moving average).
 * Counts (attempts, wins, failures, attempts in flight) are exact, observed or not: an attempt adds 1 to
 * one counter when it starts (attempts) and to one when it ends (wins, failures, or the other ends), each an
 * atomic add; attempts in flight are the attempts less the three ends, so the call's path makes two
 * atomic updates per attempt, not one per count.
 */
public final class ReplicaRouter {
  /** The most replicas a set holds: a call's tried replicas are one {@code long} of bits. */
  public static final int MAX_REPLICAS = 64;
  private static final double MAX_FAILURE_RATE = 0.95;
  /**
   * The flag {@link #started} adds to a replica's index when the attempt is observed: its outcome feeds
   * the replica's estimates. An index is below {@value #MAX_REPLICAS}, so the flag never collides with it.
   */
  public static final int OBSERVED = 1 << 8;
  /** About how many attempts of one replica a {@code decay} observes, at most. */
  private static final long OBSERVATIONS_PER_DECAY = 1_000;

  private final State[] replicas;
  /** {@code 1 / decay}, ns: a product, where a quotient would cost a division per estimate read. */
  private final double perDecayNanos;
  /** How far apart the observed attempts of one replica start, at least: {@code decay / 1000}. */
  private final long observeEveryNanos;
  private final TimeSource time;

  /**
   * Creates the router of a set of {@code size} replicas.
   *
   * @param size 1 to {@value #MAX_REPLICAS}
   * @param decayNanos how fast observations age, positive
   * @param time the clock that observations are timed on: the policies' clock
   */
  public ReplicaRouter(int size, long decayNanos, TimeSource time) {
    this.replicas = new State[size];
    long now = time.nanoTime();
    for (int i = 0; i < size; i++) {
      replicas[i] = new State(now);
    }
    this.perDecayNanos = 1.0 / decayNanos;
    this.observeEveryNanos = Math.max(1, decayNanos / OBSERVATIONS_PER_DECAY);
    this.time = time;
  }

  /**
   * 64 bytes laid out ahead of a {@link State}'s own fields (HotSpot places a superclass's fields first).
   * The replicas' states are allocated one after another; without it, one replica's counts would share a
   * cache line with the next one's estimates, and counting an attempt on one replica would slow the choice
   * between others (false sharing). Under 10,000 virtual callers on 3 replicas it raised the throughput
   * of routed calls from 0.88x to 0.93x of unrouted ones (medians of five runs of {@code RoutedThroughput}).
   */
  @SuppressWarnings("unused") // padding: never read
  private abstract static class LeadingPadding {
    private long p0;
    private long p1;
    private long p2;
    private long p3;
    private long p4;
    private long p5;
    private long p6;
    private long p7;
  }

  /**
   * What one replica was observed doing. The estimates are volatile for their readers (a read costs no
   * fence) and written with opaque stores (no fence either): each is written whole and seen soon, and
   * nothing else is ordered by them.
   */
  private static final class State extends LeadingPadding {
    private static final VarHandle LATENCY;
    private static final VarHandle FAILURE_RATE;
    private static final VarHandle OBSERVED_AT;
    private static final VarHandle SAMPLED_AT;
    private static final VarHandle ATTEMPTS;
    private static final VarHandle WINS;
    private static final VarHandle FAILURES;
    private static final VarHandle OTHER_ENDS;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        LATENCY = lookup.findVarHandle(State.class, "latencyNanos", double.class);
        FAILURE_RATE = lookup.findVarHandle(State.class, "failureRate", double.class);
        OBSERVED_AT = lookup.findVarHandle(State.class, "observedNanos", long.class);
        SAMPLED_AT = lookup.findVarHandle(State.class, "sampledNanos", long.class);
        ATTEMPTS = lookup.findVarHandle(State.class, "attempts", long.class);
        WINS = lookup.findVarHandle(State.class, "wins", long.class);
        FAILURES = lookup.findVarHandle(State.class, "failures", long.class);
        OTHER_ENDS = lookup.findVarHandle(State.class, "otherEnds", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** Attempts started. */
    volatile long attempts;
    /** Attempts that won their call. */
    volatile long wins;
    /** Attempts that failed, were rejected or timed out. */
    volatile long failures;
    /** Attempts that ended otherwise: cancelled, or a value that lost. */
    volatile long otherEnds;
    /** The latency estimate, ns; 0 until the first observation. */
    volatile double latencyNanos;
    /** Whether it ever returned a value: until then its latency is unknown, not 0. */
    volatile boolean answered;
    /** The failure rate, 0 to 1. */
    volatile double failureRate;
    /** When the estimates were last updated. */
    volatile long observedNanos;
    /** When the latest attempt chosen to be observed started. */
    volatile long sampledNanos;

    State(long now) {
      this.observedNanos = now;
      this.sampledNanos = now - Long.MAX_VALUE / 2; // the first attempt is observed
    }

    /** Moves the latency estimate towards {@code ranNanos} by {@code weight}; the first answer sets it. */
    void observeLatency(long ranNanos, double weight) {
      double latency = latencyNanos;
      LATENCY.setOpaque(this, answered ? latency + (ranNanos - latency) * weight : ranNanos);
    }

    /** Sets the failure rate. */
    void failureRate(double rate) {
      FAILURE_RATE.setOpaque(this, rate);
    }

    /** The estimates were updated at {@code now}. */
    void observed(long now) {
      OBSERVED_AT.setOpaque(this, now);
    }

    /** Chooses the attempt starting {@code now} to be observed; two starting at once may both be. */
    void sampled(long now) {
      SAMPLED_AT.setOpaque(this, now);
    }

    void started() {
      ATTEMPTS.getAndAdd(this, 1L);
    }

    void won() {
      WINS.getAndAdd(this, 1L);
    }

    void failed() {
      FAILURES.getAndAdd(this, 1L);
    }

    void endedOtherwise() {
      OTHER_ENDS.getAndAdd(this, 1L);
    }

    /**
     * The attempts in flight: started, less ended. The ends are read before the starts, so that every end
     * counted has its start counted (an attempt starts before it ends): never below 0.
     */
    long inFlight() {
      long ended = wins + failures + otherEnds;
      return attempts - ended;
    }
  }

  /** The number of replicas. */
  public int size() {
    return replicas.length;
  }

  /** The clock observations are timed on. */
  public TimeSource timeSource() {
    return time;
  }

  /** Whether {@code tried} holds every replica. */
  boolean allTried(long tried) {
    long all = all();
    return (tried & all) == all;
  }

  private long all() {
    int n = replicas.length;
    return n == 64 ? -1L : (1L << n) - 1;
  }

  /**
   * Chooses the replica of a call's next attempt ({@link #started} counts it once it is the call's).
   *
   * @param tried the replicas the call has tried, bit {@code i} for replica {@code i}
   * @param now the policy's clock now
   * @return the replica's index
   */
  int choose(long tried, long now) {
    long all = all();
    long candidates = all & ~tried;
    if (candidates == 0) {
      candidates = all; // every replica tried: any may be tried again
    }
    int count = Long.bitCount(candidates);
    if (count == 1) {
      return Long.numberOfTrailingZeros(candidates);
    }
    // One draw for both: an ordered pair of distinct candidates, each uniform by multiply-and-shift of
    // 32 random bits (no division; the bias is below count / 2^32).
    long bits = ThreadLocalRandom.current().nextLong();
    int first = (int) (((bits >>> 32) * count) >>> 32);
    int second = (int) (((bits & 0xFFFF_FFFFL) * (count - 1)) >>> 32);
    int a;
    int b;
    if (candidates == all) { // every replica a candidate (a first attempt, or all tried): the nth is n
      a = first;
      b = second < first ? second : second + 1;
    } else {
      a = nthBit(candidates, first);
      b = nthBit(candidates & ~(1L << a), second);
    }
    // cost(b) < cost(a), cross-multiplied: load / success^3 with no division.
    State sa = replicas[a];
    State sb = replicas[b];
    double keptA = kept(sa, now);
    double keptB = kept(sb, now);
    return load(sb, keptB, now) * successCubed(sa, keptA) < load(sa, keptA, now) * successCubed(sb, keptB)
        ? b : a;
  }

  /**
   * An attempt was sent to {@code replica}: counted, and in flight until {@link #ended}. It is observed
   * (its outcome will update the replica's estimates) if no observed attempt of the replica started in the
   * last {@code decay / 1000}: what a replica does is learnt from at most about 1,000 attempts per
   * {@code decay}, chosen when they start, whatever their outcome will be, so the choice is unbiased. A
   * replica called less often has every attempt observed; one called more often is spared a reading of the
   * clock at each attempt's end (the estimates, a moving average weighted by time, need no more).
   *
   * @param now when the attempt starts, on the policy's clock
   * @return {@code replica}, plus {@link #OBSERVED} if the attempt is observed
   */
  int started(int replica, long now) {
    State s = replicas[replica];
    s.started();
    if (now - s.sampledNanos < observeEveryNanos) {
      return replica;
    }
    s.sampled(now);
    return replica | OBSERVED;
  }

  /** The index of the {@code n}th set bit of {@code bits}, from 0. */
  private static int nthBit(long bits, int n) {
    for (int i = 0; i < n; i++) {
      bits &= bits - 1; // clear the lowest set bit
    }
    return Long.numberOfTrailingZeros(bits);
  }

  /**
   * The replica's cost now: what a choice compares. A replica that never answered has no latency of its
   * own: it is taken to be as slow as the slowest that did (0 while none did), so that one that only
   * fails is not cheap; like any estimate, that fades with the time since it was observed.
   */
  double cost(int replica, long now) {
    State s = replicas[replica];
    double kept = kept(s, now);
    return load(s, kept, now) / successCubed(s, kept);
  }

  /** The numerator of the cost: {@code latency x (inFlight + 1)}, the latency aged by {@code kept}. */
  private double load(State s, double kept, long now) {
    double latency = (s.answered ? s.latencyNanos : slowestAnswered(now)) * kept;
    return latency * (s.inFlight() + 1);
  }

  /** The denominator of the cost: {@code (1 - failureRate)^3}, the rate aged by {@code kept}; at least 0.05^3. */
  private static double successCubed(State s, double kept) {
    double success = 1 - Math.min(MAX_FAILURE_RATE, s.failureRate * kept);
    return success * success * success;
  }

  /** The highest latency estimate, aged, of the replicas that answered; 0 if none did. */
  private double slowestAnswered(long now) {
    double slowest = 0;
    for (State s : replicas) {
      if (s.answered) {
        slowest = Math.max(slowest, s.latencyNanos * kept(s, now));
      }
    }
    return slowest;
  }

  /**
   * The share of a replica's estimates that its age keeps: {@code e^(-age/decay)}; for the ages of a replica
   * observed often (below a thousandth of {@code decay}), {@code 1 - age/decay}, which is within a millionth
   * of it and saves the exponential on the hot path.
   */
  private double kept(State s, long now) {
    long age = now - s.observedNanos;
    if (age <= 0) {
      return 1;
    }
    double x = age * perDecayNanos;
    return x < 1e-3 ? 1 - x : Math.exp(-x);
  }

  /**
   * An attempt on {@code replica} ended, however: ends its count in flight, counts how it ended, and, if
   * it was observed, records what it says.
   *
   * @param how {@code null} for a value (accepted, whether it won or lost), else how it ended
   * @param won whether it won its call (a value only)
   * @param observed whether {@link #started} chose the attempt to be observed
   * @param ranNanos how long it ran until it ended (read only if observed)
   * @param now the policy's clock now (read only if observed)
   */
  void ended(int replica, @Nullable Outcome how, boolean won, boolean observed, long ranNanos, long now) {
    State s = replicas[replica];
    if (won) {
      s.won();
    } else if (how == null || how == Outcome.CANCELLED) {
      s.endedOtherwise();
    } else {
      s.failed();
    }
    if (!observed) {
      return;
    }
    double weight = 1 - kept(s, now); // how much a new observation counts: more, the older the last one
    if (how == null) {
      s.observeLatency(ranNanos, weight);
      if (!s.answered) {
        s.answered = true; // once per replica: the only fence here
      }
      s.failureRate(s.failureRate * (1 - weight));
      s.observed(now);
      return;
    }
    if (how == Outcome.CANCELLED || how == Outcome.TIMED_OUT) {
      // Guard against an attempt cancelled before it ran long enough to say anything: it only raises.
      if (ranNanos > s.latencyNanos) {
        s.observeLatency(ranNanos, weight);
        s.observed(now);
      }
      if (how == Outcome.CANCELLED) {
        return;
      }
    }
    double failureRate = s.failureRate;
    s.failureRate(failureRate + (1 - failureRate) * weight);
    s.observed(now);
  }

  /**
   * Returns what was observed of a replica.
   *
   * @param replica its index
   * @return attempts, wins, failures, in flight, latency estimate (ns), failure rate, cost, as read now
   */
  public Snapshot snapshot(int replica) {
    State s = replicas[replica];
    long now = time.nanoTime();
    double kept = kept(s, now);
    long inFlight = s.inFlight(); // the ends before the attempts: every end read has its start counted
    return new Snapshot(s.attempts, s.wins, s.failures, (int) inFlight,
        (long) (s.latencyNanos * kept), s.failureRate * kept, cost(replica, now));
  }

  /**
   * What was observed of one replica.
   *
   * @param attempts attempts sent to it
   * @param wins attempts of it that won their call
   * @param failures attempts of it that failed, were rejected or timed out
   * @param inFlight attempts of it running now
   * @param latencyNanos its latency estimate, aged
   * @param failureRate its failure rate, aged
   * @param cost what a choice compares
   */
  public record Snapshot(long attempts, long wins, long failures, int inFlight, long latencyNanos,
      double failureRate, double cost) {}
}
