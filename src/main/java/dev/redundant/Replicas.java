package dev.redundant;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.internal.Nanos;
import dev.redundant.internal.ReplicaRouter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicas a policy routes its attempts over ({@link HedgeBuilder#replicas(Replicas)}): the library
 * chooses one for each attempt, and the task asks which ({@link #get(Attempt)}):
 *
 * {@snippet :
 * Replicas<URI> replicas = Replicas.of(List.of(east, west, central));
 * Hedge<Quote> hedge = Hedge.<Quote>builder().adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.1))
 *     .replicas(replicas).build();
 * Quote q = hedge.call(attempt -> client.get(replicas.get(attempt), "/quote"));
 * }
 *
 * <h2>How a replica is chosen</h2>
 * <ul>
 * <li><b>Never one already tried in the call</b>, unless every replica was: a hedge does not go to the
 *     replica that is slow for this call, a failover not back to the one that just failed.</li>
 * <li>Among the others, the cheaper of two chosen at random (power of two choices), by a cost that grows
 *     with the replica's observed latency, its recent failures and its attempts in flight:
 *     {@code latency x (inFlight + 1) / (1 - failureRate)^3}.</li>
 * <li><b>Latency</b> is learnt from the attempts that returned a value (a moving average over about
 *     {@link #decay()}); an attempt cut short by a winner or its attempt timeout ran at least that long, so
 *     it may raise the estimate, never lower it.
 *     <b>Failures</b> (failed, rejected, timed out) feed a failure rate learnt the same way.
 *     At a high call rate the estimates learn from a sample: an attempt is <em>observed</em> when no
 *     observed attempt of its replica started in the last {@code decay / 1000}, chosen when it starts (so
 *     the sample is blind to how the attempt ends), which bounds the work to about 1,000 observations per
 *     {@code decay} per replica. Every attempt still counts in the replica's attempts in flight, its
 *     attempts, wins and failures ({@link #statistics()}), which stay exact.</li>
 * <li><b>No replica is starved for good:</b> what was observed of a replica fades with the time since it
 *     was observed ({@code e^(-age/decay)}), so a replica that was slow or failing and is no longer
 *     chosen looks cheap again after a few {@code decay}s, is probed, and wins its share back if it
 *     recovered (or is sent back by what the probe observes).</li>
 * </ul>
 * The library knows which replica each attempt used and records its outcome itself: there is nothing to
 * report. {@link Attempt#replicaIndex()}, {@link AttemptReport#replica()} and the listener's events name
 * each attempt's replica; {@link #statistics()} shows what was observed.
 *
 * <h2>Settings</h2>
 * <table class="striped">
 * <caption>Replicas settings</caption>
 * <tr><th>setting</th><th>default</th><th>bounds</th></tr>
 * <tr><td>the replicas</td><td>required</td><td>1 to 64, none null</td></tr>
 * <tr><td>{@link Builder#decay(Duration) decay}</td><td>1 s</td><td>1 ms to 1 h</td></tr>
 * <tr><td>{@link Builder#timeSource(TimeSource) timeSource}</td><td>{@link TimeSource#system()}</td><td>the
 *     policies' clock: {@code build()} of a policy on another clock refuses the set</td></tr>
 * </table>
 *
 * <p><b>Thread safety:</b> immutable membership, thread-safe observations: one set may be shared by every
 * policy that calls the same replicas (they then learn together), and used from any thread. Choosing and
 * recording take no lock shared by callers. Routing changes nothing in how attempts are cancelled or
 * interrupted.
 *
 * @param <R> the type of a replica: a client, a URI, a host name
 */
public final class Replicas<R> {
  private static final Duration DEFAULT_DECAY = Duration.ofSeconds(1);
  private static final Duration MIN_DECAY = Duration.ofMillis(1);
  private static final Duration MAX_DECAY = Duration.ofHours(1);

  private final List<R> members;
  private final Duration decay;
  private final ReplicaRouter router;

  private Replicas(List<R> members, Duration decay, TimeSource time) {
    this.members = members;
    this.decay = decay;
    this.router = new ReplicaRouter(members.size(), Nanos.of(decay), time);
  }

  /**
   * Returns a set of the given replicas, with the default settings.
   *
   * @param replicas the replicas, in the order their indices name them
   * @param <R> the type of a replica
   * @return a new set, which learns from the policies that use it
   * @throws NullPointerException if the list or a replica is null
   * @throws IllegalArgumentException if there are none, or more than 64
   */
  public static <R> Replicas<R> of(List<? extends R> replicas) {
    return Replicas.<R>builder(replicas).build();
  }

  /**
   * Returns a set of the given replicas, with the default settings.
   *
   * @param replicas the replicas, in the order their indices name them
   * @param <R> the type of a replica
   * @return a new set
   * @throws NullPointerException if the array or a replica is null
   * @throws IllegalArgumentException if there are none, or more than 64
   */
  @SafeVarargs
  public static <R> Replicas<R> of(R... replicas) {
    requireNonNull(replicas, "replicas");
    List<R> list = new ArrayList<>(replicas.length);
    for (R replica : replicas) {
      list.add(replica); // checked for null by builder
    }
    return of(list);
  }

  /**
   * Returns a builder of a set of the given replicas.
   *
   * @param replicas the replicas, in the order their indices name them; copied
   * @param <R> the type of a replica
   * @return a builder
   * @throws NullPointerException if the list or a replica is null
   * @throws IllegalArgumentException if there are none, or more than 64
   */
  public static <R> Builder<R> builder(List<? extends R> replicas) {
    requireNonNull(replicas, "replicas");
    List<R> copy = new ArrayList<>(replicas.size());
    for (int i = 0; i < replicas.size(); i++) {
      copy.add(requireNonNull(replicas.get(i), "replicas[" + i + "]"));
    }
    requireArgument(!copy.isEmpty() && copy.size() <= ReplicaRouter.MAX_REPLICAS,
        "replicas must hold 1 to %s replicas, held %s", ReplicaRouter.MAX_REPLICAS, copy.size());
    return new Builder<>(List.copyOf(copy));
  }

  /**
   * Returns the number of replicas.
   *
   * @return 1 to 64
   */
  public int size() {
    return members.size();
  }

  /**
   * Returns a replica by its index.
   *
   * @param index 0 to {@code size() - 1}
   * @return the replica
   * @throws IndexOutOfBoundsException if there is no such replica
   */
  public R get(int index) {
    return members.get(index);
  }

  /**
   * Returns the replica the library chose for an attempt.
   *
   * @param attempt an attempt of a call of a policy that routes over this set
   * @return its replica
   * @throws IllegalArgumentException if the attempt was not routed ({@link Attempt#NOT_ROUTED},
   *     or beyond this set: a policy routing over another set)
   */
  public R get(Attempt attempt) {
    int index = requireNonNull(attempt, "attempt").replicaIndex();
    if (index < 0 || index >= members.size()) { // checked before any message is built: this is the hot path
      throw new IllegalArgumentException("attempt: " + attempt + " was not routed over these " + members.size()
          + " replicas (replicaIndex " + index + "); give the policy replicas(...)");
    }
    return members.get(index);
  }

  /**
   * Returns the replicas, in index order.
   *
   * @return an immutable list
   */
  public List<R> members() {
    return members;
  }

  /**
   * Returns how fast what was observed of a replica fades.
   *
   * @return the decay
   */
  public Duration decay() {
    return decay;
  }

  /**
   * Returns the clock observations are timed on.
   *
   * @return the time source
   */
  public TimeSource timeSource() {
    return router.timeSource();
  }

  /**
   * Returns what was observed of each replica, now.
   *
   * <p>The counts of a replica are read one after another while calls may run: a snapshot taken under load
   * may be off by the attempts starting and ending meanwhile (its attempts in flight are never negative),
   * and is exact while no attempt runs. A call's winning attempt is counted as a win before the call
   * returns; a loser still ending then is counted when it has ended.
   *
   * @return one entry per replica, in index order
   */
  public List<ReplicaStatistics> statistics() {
    List<ReplicaStatistics> all = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      ReplicaRouter.Snapshot s = router.snapshot(i);
      all.add(new ReplicaStatistics(i, String.valueOf(members.get(i)), s.attempts(), s.wins(), s.failures(),
          s.inFlight(), Duration.ofNanos(s.latencyNanos()), s.failureRate(), s.cost()));
    }
    return List.copyOf(all);
  }

  /** The engine's view of the set. */
  ReplicaRouter router() {
    return router;
  }

  @Override
  public String toString() {
    return "Replicas" + members + "[decay=" + decay + "]";
  }

  /**
   * What a policy observed of one replica.
   *
   * <p><b>Thread safety:</b> immutable.
   *
   * @param index the replica's index
   * @param replica the replica, as {@code String.valueOf} gives it
   * @param attempts attempts sent to it so far
   * @param wins of those, attempts whose value won the call
   * @param failures of those, attempts that failed, were rejected or timed out
   * @param inFlight attempts on it running now
   * @param latency its latency estimate now (zero before it answered)
   * @param failureRate its recent failure rate now, 0 to 1
   * @param score its cost for a choice now, in nanoseconds: lower is chosen first
   */
  public record ReplicaStatistics(int index, String replica, long attempts, long wins, long failures,
      int inFlight, Duration latency, double failureRate, double score) {}

  /**
   * Builds a {@link Replicas} set; not thread-safe, {@link #build()} copies its state.
   *
   * @param <R> the type of a replica
   */
  public static final class Builder<R> {
    private final List<R> members;
    private Duration decay = DEFAULT_DECAY;
    private TimeSource timeSource = TimeSource.system();

    private Builder(List<R> members) {
      this.members = members;
    }

    /**
     * Sets how fast what was observed of a replica fades: its weight falls by {@code e} every {@code decay}
     * since it was observed. Shorter: faster to follow a change, and more probes of a slow replica.
     *
     * @param decay 1 ms to 1 h; default 1 s
     * @return this builder
     * @throws IllegalArgumentException if out of bounds
     */
    public Builder<R> decay(Duration decay) {
      requireNonNull(decay, "decay");
      requireArgument(decay.compareTo(MIN_DECAY) >= 0 && decay.compareTo(MAX_DECAY) <= 0,
          "decay must be between %s and %s, was %s", MIN_DECAY, MAX_DECAY, decay);
      this.decay = decay;
      return this;
    }

    /**
     * Sets the clock observations are timed on: the clock of the policies that use the set (a test's
     * {@code ManualTimeSource}).
     *
     * @param timeSource the clock; default {@link TimeSource#system()}
     * @return this builder
     */
    public Builder<R> timeSource(TimeSource timeSource) {
      this.timeSource = requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Builds the set.
     *
     * @return a new set, with no observations
     */
    public Replicas<R> build() {
      return new Replicas<>(members, decay, timeSource);
    }
  }
}
