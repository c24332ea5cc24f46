package dev.redundant.testing;

import static java.util.Objects.requireNonNull;

import dev.redundant.TimeSource;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What the builders of the kit's simulated dependencies ({@link FakeDependency}, {@link FlakyTool},
 * {@link ReplicaSet}, {@link QueueingBackend}) set alike: the clock their latencies elapse on, and the
 * seed of their random draws. Not thread-safe, as every builder.
 *
 * @param <B> the builder's own type, which the setters return
 */
public abstract class SimulationBuilder<B extends SimulationBuilder<B>> {
  private TimeSource time = TimeSource.system();
  private @Nullable Long seed;

  SimulationBuilder() {}

  /**
   * Sets the clock that latencies elapse on (and, for a {@link FakeDependency}, its records are read
   * from); default {@link TimeSource#system()}. Pass the {@link ManualTimeSource} of the policy under test,
   * and a latency ends when the test advances that clock past it.
   *
   * @param timeSource the clock
   * @return this builder
   * @throws NullPointerException if {@code timeSource} is null
   */
  public final B timeSource(TimeSource timeSource) {
    this.time = requireNonNull(timeSource, "timeSource");
    return self();
  }

  /**
   * Fixes the seed of the random draws, so that every dependency built with it draws the same for the
   * same call index, whatever the timing and the calling threads. By default each {@code build()} draws a
   * random seed (which {@code seed()} reveals, where the built type has it, so that a run can be replayed).
   *
   * @param seed any value
   * @return this builder
   */
  public final B seed(long seed) {
    this.seed = seed;
    return self();
  }

  /** The clock set, or the system's. */
  final TimeSource time() {
    return time;
  }

  /** The seed set, or a random one drawn now: once per {@code build()}. */
  final long seedOrRandom() {
    Long s = seed;
    return s != null ? s : ThreadLocalRandom.current().nextLong();
  }

  @SuppressWarnings("unchecked") // B is this builder's own type: see the type parameter
  private B self() {
    return (B) this;
  }
}
