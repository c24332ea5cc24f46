package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.Attempt;
import dev.redundant.TimeSource;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Several replicas of a dependency, each with a {@link ReplicaProfile} of its own: for example two
 * healthy replicas and a degraded one. A task sends each attempt to a replica, typically by its index:
 *
 * {@snippet :
 * ReplicaSet replicas = ReplicaSet.builder()
 *     .replica(ReplicaProfile.of(LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8)))
 *     .replica(ReplicaProfile.of(LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8)))
 *     .replica(ReplicaProfile.of(LatencyDistribution.fixed(Duration.ofSeconds(2))).withFailureRate(0.5))
 *     .timeSource(time)
 *     .seed(42)
 *     .build();
 * ReplicaReply reply = hedge.call(attempt -> replicas.call(attempt.index() % replicas.size())); // blind
 * }
 *
 * <p>With a policy that routes over {@code Replicas} of the same size, {@link #call(Attempt)} sends each
 * attempt where the library chose: {@code hedge.call(replicas::call)}. To script a replica that degrades
 * and recovers on the manual clock: {@link #degrade(int, double)}, then {@link #restore(int)}.
 *
 * <p>A replica's profile can be changed while calls run ({@link #profile(int, ReplicaProfile)}), to
 * degrade a replica or double every latency in the middle of a test; a call uses the profile current
 * when it starts.
 *
 * <p><b>Time.</b> A call elapses its latency on the builder's {@link TimeSource} (default
 * {@link TimeSource#system()}): with a {@link ManualTimeSource} it ends when the test advances the clock
 * past its planned end.
 *
 * <p><b>Determinism.</b> Calls are numbered from 0 in the order they start; whether call {@code i} fails
 * and how long it takes depend only on the seed, {@code i} and the replica's profile.
 *
 * <p><b>Interruption:</b> an interrupt ends a call's wait at once with an {@link InterruptedException}
 * (the thread's interrupt status cleared, as by {@link Thread#sleep}).
 *
 * <p><b>Thread safety:</b> thread-safe; calls never block each other.
 */
public final class ReplicaSet {
  private final AtomicReferenceArray<ReplicaProfile> profiles;
  /** The profiles the set was built with, for {@link #degrade} and {@link #restore}. */
  private final List<ReplicaProfile> healthy;
  private final TimeSource time;
  private final long seed;
  private final AtomicLong calls = new AtomicLong();
  private final LongAdder[] callsPerReplica;
  private final LongAdder failures = new LongAdder();
  private final LongAdder interrupted = new LongAdder();

  private ReplicaSet(Builder builder) {
    this.profiles = new AtomicReferenceArray<>(builder.profiles.toArray(new ReplicaProfile[0]));
    this.healthy = List.copyOf(builder.profiles);
    this.time = builder.time();
    this.seed = builder.seedOrRandom();
    this.callsPerReplica = new LongAdder[profiles.length()];
    for (int i = 0; i < callsPerReplica.length; i++) {
      callsPerReplica[i] = new LongAdder();
    }
  }

  /**
   * Returns a builder: no replicas yet, the system clock, a random seed.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Calls a replica: waits out the latency its profile draws, then returns or fails.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @return which replica answered and the call's index
   * @throws ConnectException when the profile makes this call fail, after its failure latency
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public ReplicaReply call(int replica) throws ConnectException, InterruptedException {
    requireReplica(replica);
    long start = time.nanoTime();
    long index = calls.getAndIncrement();
    callsPerReplica[replica].increment();
    ReplicaProfile profile = profiles.get(replica);
    SplittableRandom random = SeededDraws.forCall(seed, index);
    boolean fails = random.nextDouble() < profile.failureRate();
    long latency = fails ? profile.failureLatency().toNanos() : profile.latency().sampleNanos(random);
    try {
      Waits.until(time, start + latency);
    } catch (InterruptedException e) {
      interrupted.increment();
      throw e;
    }
    if (fails) {
      failures.increment();
      throw new ConnectException("replica " + replica + " failed call " + index);
    }
    return new ReplicaReply(replica, index);
  }

  /**
   * Calls the replica the library chose for an attempt ({@link Attempt#replicaIndex()}), for a policy that
   * routes over {@code Replicas} of this set's size: {@code hedge.call(replicas::call)}.
   *
   * @param attempt the attempt
   * @return which replica answered and the call's index
   * @throws ConnectException when the profile makes this call fail, after its failure latency
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalArgumentException naming {@code attempt} if it was not routed, or routed beyond this set
   */
  public ReplicaReply call(Attempt attempt) throws ConnectException, InterruptedException {
    int replica = requireNonNull(attempt, "attempt").replicaIndex();
    if (replica < 0 || replica >= size()) {
      throw new IllegalArgumentException("attempt: " + attempt + " was not routed to one of these " + size()
          + " replicas (replicaIndex " + replica + "); build the policy with replicas(Replicas) of this size");
    }
    return call(replica);
  }

  /**
   * Makes a replica slower: every latency of its current profile multiplied by {@code factor}, for the
   * calls that start from now; {@link #restore(int)} undoes it.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @param factor greater than 0; 5 makes it 5x slower
   * @throws IllegalArgumentException if {@code replica} is out of bounds or {@code factor} not positive
   */
  public void degrade(int replica, double factor) {
    requireReplica(replica);
    if (!(factor > 0)) {
      throw new IllegalArgumentException("factor must be positive, was " + factor);
    }
    ReplicaProfile base = healthy.get(replica);
    profiles.set(replica, new ReplicaProfile(base.latency().scaledBy(factor), base.failureRate(),
        base.failureLatency()));
  }

  /**
   * Gives a replica back the profile it was built with, for the calls that start from now.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public void restore(int replica) {
    requireReplica(replica);
    profiles.set(replica, healthy.get(replica));
  }

  /**
   * Replaces a replica's profile; calls that start afterwards use the new one.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @param profile its new profile
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   * @throws NullPointerException if {@code profile} is null
   */
  public void profile(int replica, ReplicaProfile profile) {
    requireReplica(replica);
    profiles.set(replica, requireNonNull(profile, "profile"));
  }

  /**
   * Returns a replica's current profile.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @return its profile
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public ReplicaProfile profile(int replica) {
    requireReplica(replica);
    return profiles.get(replica);
  }

  /**
   * Returns the number of replicas.
   *
   * @return at least 1
   */
  public int size() {
    return profiles.length();
  }

  /**
   * Returns how many calls started, on all replicas.
   *
   * @return the count
   */
  public long calls() {
    return calls.get();
  }

  /**
   * Returns how many calls started on one replica.
   *
   * @param replica the replica, from 0 to {@code size() - 1}
   * @return the count
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public long calls(int replica) {
    requireReplica(replica);
    return callsPerReplica[replica].sum();
  }

  /**
   * Returns how many calls failed (threw {@link ConnectException}).
   *
   * @return the count
   */
  public long failures() {
    return failures.sum();
  }

  /**
   * Returns how many calls were interrupted before their end.
   *
   * @return the count
   */
  public long interrupted() {
    return interrupted.sum();
  }

  private void requireReplica(int replica) {
    requireArgument(replica >= 0 && replica < profiles.length(), "replica must be between 0 and %s, was %s",
        profiles.length() - 1, replica);
  }

  @Override
  public String toString() {
    return "ReplicaSet[" + size() + " replicas, " + calls() + " calls]";
  }

  /**
   * Configures a {@link ReplicaSet}. Each setter checks its argument at once; {@link #build()} copies the
   * settings. Not thread-safe.
   */
  public static final class Builder extends SimulationBuilder<Builder> {
    private final List<ReplicaProfile> profiles = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a replica; replicas are numbered from 0 in the order added.
     *
     * @param profile how it behaves
     * @return this builder
     * @throws NullPointerException if {@code profile} is null
     */
    public Builder replica(ReplicaProfile profile) {
      profiles.add(requireNonNull(profile, "profile"));
      return this;
    }

    /**
     * Adds {@code count} replicas with the same profile.
     *
     * @param count 1 to 1,000
     * @param profile how each behaves
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is out of bounds
     * @throws NullPointerException if {@code profile} is null
     */
    public Builder replicas(int count, ReplicaProfile profile) {
      requireArgument(count >= 1 && count <= 1000, "count must be between 1 and 1000, was %s", count);
      requireNonNull(profile, "profile");
      for (int i = 0; i < count; i++) {
        profiles.add(profile);
      }
      return this;
    }



    /**
     * Builds the replica set.
     *
     * @return a new replica set
     * @throws IllegalStateException if no replica was added
     */
    public ReplicaSet build() {
      if (profiles.isEmpty()) {
        throw new IllegalStateException("replicas: add at least one with replica(profile)");
      }
      return new ReplicaSet(this);
    }
  }
}
