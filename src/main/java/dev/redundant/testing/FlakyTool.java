package dev.redundant.testing;

import dev.redundant.TimeSource;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A simulated unreliable external service: some calls fail at once, some are slow, most are fast.
 *
 * <p>With the defaults, each call to {@link #fetch(String)}
 *
 * <ul>
 *   <li>fails at once with a {@link ConnectException} ("Failed to connect to the external service.")
 *       with probability 0.2,
 *   <li>succeeds after a slow latency, uniform in [5 s, 7 s), with probability 0.1,
 *   <li>succeeds after a fast latency, uniform in [0.5 s, 1 s), otherwise.
 * </ul>
 *
 * <p>A {@link Builder} changes the rates, the latency ranges, the seed and a {@link Builder#timeScale
 * time scale} that multiplies every latency, so that tests run the same model in microseconds:
 *
 * {@snippet :
 * FlakyTool tool = FlakyTool.builder().seed(42).timeScale(1e-6).build();
 * String data = tool.fetch("weather"); // "Data for 'weather' from call 0", or a ConnectException
 * }
 *
 * <p><b>Determinism.</b> Calls are numbered from 0 in the order they start. What call {@code i} does
 * is a pure function of the seed and {@code i}: two tools with the same settings and seed make the
 * same calls fail, be slow and last as long, whatever the timing and the interleaving of the calling
 * threads. {@link #outcomeOf(long)} tells in advance what call {@code i} will do. Without {@link
 * Builder#seed(long)} each tool gets a random seed, which {@link #seed()} reveals so that a run can
 * be replayed.
 *
 * <p><b>Scripts.</b> For exact scenarios a tool can follow a script instead of the random model:
 * call {@code i} performs the {@code i}-th {@link Step}, and every call after the end of the script
 * performs the last step again.
 *
 * {@snippet :
 * CountDownLatch gate = new CountDownLatch(1);
 * FlakyTool tool = FlakyTool.scripted(Step.fail(), Step.hang(), Step.succeedWhen(gate));
 * }
 *
 * <p><b>Time.</b> A call's latency elapses on the tool's {@link Builder#timeSource(TimeSource) time
 * source}, the system clock by default: the call parks ({@link TimeSource#parkUntil(long)}, in a loop)
 * until the clock passes its planned end. With a {@link ManualTimeSource} shared with the policy under
 * test, latencies, hedge delays and timeouts all elapse when the test advances that one clock.
 *
 * <p><b>Interruption.</b> When the calling thread is interrupted during a latency or a gate, the call
 * ends at once with an {@link InterruptedException}, and the thread's interrupt status is cleared, as
 * {@code Thread.sleep} leaves it. Only a step made with {@link Step#ignoringInterrupts()} finishes its
 * wait regardless.
 *
 * <p><b>One engine.</b> A tool is a {@link FakeDependency} whose replies are the steps (or the random
 * model's three kinds) turned into {@link Reply Replies}: a step is a name for a reply, with the tool's
 * latency ranges and time scale. Waiting, interrupts and determinism are the fake's; like a fake, a tool
 * keeps a small record of every call it made (about 220 bytes each, measured), so build a new one per run.
 *
 * <p><b>Thread safety.</b> A tool is immutable in its configuration and safe to call from any number
 * of platform or virtual threads at once; its counters are updated atomically. A call takes no lock of
 * the kit's (what would look "parked" to a test waiting for the code under test to park), and never
 * blocks while holding a monitor, so virtual threads are not pinned.
 */
public final class FlakyTool {

  /** The message of the {@link ConnectException} thrown by a failing call. */
  public static final String FAILURE_MESSAGE = "Failed to connect to the external service.";

  private final long seed;
  private final double failureRate;
  private final double slowRate;
  private final long fastMinNanos;
  private final long fastMaxNanos;
  private final long slowMinNanos;
  private final long slowMaxNanos;
  private final double timeScale;
  private final List<Step> script; // empty: follow the random model
  /** Performs every call: its replies are the script's steps, or the random model's three kinds. */
  private final FakeDependency<Long> fake;
  /** The step each of the fake's replies performs (by identity): what {@link #slowCalls()} and {@link #outcomeOf} tell. */
  private final IdentityHashMap<Reply<? extends Long>, Step> steps = new IdentityHashMap<>();

  private final LongAdder failures = new LongAdder();
  private final LongAdder interrupted = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final AtomicLong inFlight = new AtomicLong();

  private FlakyTool(Builder b) {
    this.seed = b.seedOrRandom();
    this.failureRate = b.failureRate;
    this.slowRate = b.slowRate;
    this.fastMinNanos = b.fastMin.toNanos();
    this.fastMaxNanos = b.fastMax.toNanos();
    this.slowMinNanos = b.slowMin.toNanos();
    this.slowMaxNanos = b.slowMax.toNanos();
    this.timeScale = b.timeScale;
    this.script = b.script;
    FakeDependency.Builder<Long> fake = FakeDependency.<Long>builder().timeSource(b.time()).seed(seed);
    if (script.isEmpty()) {
      fake.rate(failureRate, replyOf(Step.FAIL))
          .rate(slowRate, replyOf(Step.SLOW))
          .rate(Math.max(0, 1 - failureRate - slowRate), replyOf(Step.FAST));
    } else {
      List<Reply<Long>> replies = script.stream().map(this::replyOf).toList();
      fake.script(replies).otherwise(replies.get(replies.size() - 1));
    }
    this.fake = fake.build();
  }

  /** The reply that performs {@code step} with this tool's latency ranges and time scale. */
  private Reply<Long> replyOf(Step step) {
    Reply<Long> reply = step.reply(this);
    steps.put(reply, step);
    return reply;
  }

  /**
   * Returns a builder preset with the defaults: failure rate 0.2, slow rate 0.1, fast latency [0.5 s,
   * 1 s), slow latency [5 s, 7 s), time scale 1 and a random seed.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a tool with the default settings and a random seed; same as {@code builder().build()}.
   *
   * @return a new tool
   */
  public static FlakyTool withDefaults() {
    return builder().build();
  }

  /**
   * Returns a tool that follows a script, with the default latencies for {@link Step#slow()} and
   * {@link Step#fast()}; same as {@code builder().script(steps).build()}.
   *
   * @param steps what calls 0, 1, 2... do; calls past the end repeat the last step
   * @return a new tool
   * @throws IllegalArgumentException if {@code steps} is empty
   * @throws NullPointerException if {@code steps} or one of them is null
   */
  public static FlakyTool scripted(Step... steps) {
    return builder().script(steps).build();
  }

  /**
   * Calls the simulated service: decides what this call does, waits out its latency and returns
   * data naming the query and the call, or throws.
   *
   * @param query any text, echoed in the result
   * @return {@code "Data for '<query>' from call <i>"}, where {@code i} is this call's index
   * @throws ConnectException if this call fails; a failure of the random model is immediate and does
   *     not look at the interrupt status
   * @throws InterruptedException if the calling thread is interrupted while this call waits (or was
   *     interrupted before a wait began); the interrupt status is then cleared
   * @throws NullPointerException if {@code query} is null
   */
  public String fetch(String query) throws IOException, InterruptedException {
    Objects.requireNonNull(query, "query");
    inFlight.incrementAndGet();
    try {
      long call = fake.call();
      succeeded.increment();
      return "Data for '" + query + "' from call " + call;
    } catch (ConnectException e) {
      failures.increment();
      throw e;
    } catch (InterruptedException e) {
      interrupted.increment();
      throw e;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("a step threw what no step throws", e); // cannot happen
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Tells what call {@code callIndex} of the random model does, without making it. This is a pure
   * function of the settings and the seed.
   *
   * @param callIndex a call index, from 0
   * @return the call's kind and latency
   * @throws IllegalArgumentException if {@code callIndex} is negative
   * @throws IllegalStateException if this tool follows a script
   */
  public Outcome outcomeOf(long callIndex) {
    if (callIndex < 0) {
      throw new IllegalArgumentException("callIndex must not be negative, was " + callIndex);
    }
    if (!script.isEmpty()) {
      throw new IllegalStateException("a scripted tool follows its script, not the random model");
    }
    Reply<? extends Long> reply = fake.replyFor(callIndex);
    Step step = stepOf(reply);
    Kind kind = step.fails ? Kind.FAILURE : step.wait == Wait.SLOW ? Kind.SLOW : Kind.FAST;
    long latency = kind == Kind.FAILURE ? 0 : kind == Kind.SLOW
        ? between(slowMinNanos, slowMaxNanos, unit(callIndex, 2))
        : between(fastMinNanos, fastMaxNanos, unit(callIndex, 2));
    return new Outcome(kind, Duration.ofNanos(latency), Duration.ofNanos(reply.latencyNanos(callIndex, seed)));
  }

  /**
   * Waits until at least {@code n} calls have started, so that a test can order events without
   * sleeping.
   *
   * @param n the number of calls to wait for
   * @param timeout how long to wait at most
   * @return true once {@code n} calls have started, false if the timeout elapsed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitCalls(long n, Duration timeout) throws InterruptedException {
    long nanos = TimeUnit.NANOSECONDS.convert(timeout);
    if (calls() >= n) {
      return true;
    }
    if (nanos <= 0) {
      return false;
    }
    return fake.awaitStarted(n, System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2));
  }


  /**
   * Returns the seed: the one given to {@link Builder#seed(long)}, or the random one drawn by {@link
   * Builder#build()}.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the number of calls started so far, which is also the index of the next call.
   *
   * @return the number of calls started
   */
  public long calls() {
    return fake.size();
  }

  /**
   * Returns the number of calls that threw the {@link ConnectException}.
   *
   * @return the number of failed calls
   */
  public long failures() {
    return failures.sum();
  }

  /**
   * Returns the number of calls that drew a slow latency, counted when the call starts (so a slow
   * call that is interrupted counts too).
   *
   * @return the number of slow calls
   */
  public long slowCalls() {
    long slow = 0;
    for (long i = 0, n = calls(); i < n; i++) {
      slow += stepOf(i).wait == Wait.SLOW ? 1 : 0;
    }
    return slow;
  }

  /**
   * Returns the number of calls that ended with an {@link InterruptedException}.
   *
   * @return the number of interrupted calls
   */
  public long interrupted() {
    return interrupted.sum();
  }

  /**
   * Returns the number of calls that returned data.
   *
   * @return the number of successful calls
   */
  public long succeeded() {
    return succeeded.sum();
  }

  /**
   * Returns the number of calls started and not yet ended; it returns to 0 once every caller,
   * including the cancelled ones, has left {@link #fetch(String)}.
   *
   * @return the number of running calls
   */
  public long inFlight() {
    return inFlight.get();
  }

  @Override
  public String toString() {
    String mode =
        script.isEmpty()
            ? "failureRate=" + failureRate + ", slowRate=" + slowRate
            : "script=" + script;
    return "FlakyTool[" + mode + ", seed=" + seed + ", timeScale=" + timeScale
        + ", calls=" + calls() + "]";
  }

  private Step stepOf(long call) {
    return stepOf(fake.replyFor(call));
  }

  private Step stepOf(Reply<? extends Long> reply) {
    return Objects.requireNonNull(steps.get(reply), "step");
  }

  private double unit(long call, int draw) {
    return SeededDraws.unit(seed, call, draw);
  }

  private static long between(long min, long max, double fraction) {
    return SeededDraws.between(min, max, fraction);
  }

  private static long nanos(String name, Duration d) {
    return Durations.nonNegativeNanos(name, d);
  }

  /** What a call of the random model does. */
  public enum Kind {
    /** The call throws a {@link ConnectException} at once. */
    FAILURE,
    /** The call succeeds after a latency drawn from the slow range. */
    SLOW,
    /** The call succeeds after a latency drawn from the fast range. */
    FAST
  }

  /**
   * What a call of the random model does, as told by {@link #outcomeOf(long)}.
   *
   * @param kind whether the call fails, is slow or is fast
   * @param latency how long the call lasts in the model: zero for a failure
   * @param scaledLatency how long the call waits: {@code latency} times the time scale, rounded to
   *     the nanosecond
   */
  public record Outcome(Kind kind, Duration latency, Duration scaledLatency) {

    /** Checks that no component is null. */
    public Outcome {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(scaledLatency, "scaledLatency");
    }
  }

  private enum Wait {
    FIXED,
    FAST,
    SLOW,
    GATE
  }

  /**
   * One call of a script: how long it waits, and whether it then fails with a {@link
   * ConnectException} or returns data. Waits are multiplied by the tool's time scale.
   *
   * <p>Steps are immutable and may be shared between tools; a gated step shares its gate.
   */
  public static final class Step {

    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static final Step FAIL = fail();
    private static final Step SLOW = slow();
    private static final Step FAST = fast();

    private final String description;
    private final boolean fails;
    private final Wait wait;
    private final long fixedNanos;
    private final @Nullable CountDownLatch gate;
    private final boolean ignoresInterrupts;

    private Step(
        String description,
        boolean fails,
        Wait wait,
        long fixedNanos,
        @Nullable CountDownLatch gate, boolean ignoresInterrupts) {
      this.description = description;
      this.fails = fails;
      this.wait = wait;
      this.fixedNanos = fixedNanos;
      this.gate = gate;
      this.ignoresInterrupts = ignoresInterrupts;
    }

    /**
     * The call fails at once with a {@link ConnectException}.
     *
     * @return the step
     */
    public static Step fail() {
      return new Step("fail()", true, Wait.FIXED, 0, null, false);
    }

    /**
     * The call waits {@code latency}, then fails with a {@link ConnectException}.
     *
     * @param latency the wait, not negative
     * @return the step
     */
    public static Step failAfter(Duration latency) {
      return fixed("failAfter", true, latency);
    }

    /**
     * The call waits until {@code gate} opens (reaches zero), then fails with a {@link
     * ConnectException}.
     *
     * @param gate the latch to wait on
     * @return the step
     */
    public static Step failWhen(CountDownLatch gate) {
      return gated("failWhen", true, gate);
    }

    /**
     * The call waits {@code latency}, then returns data.
     *
     * @param latency the wait, not negative
     * @return the step
     */
    public static Step succeedAfter(Duration latency) {
      return fixed("succeedAfter", false, latency);
    }

    /**
     * The call waits until {@code gate} opens (reaches zero), then returns data.
     *
     * @param gate the latch to wait on
     * @return the step
     */
    public static Step succeedWhen(CountDownLatch gate) {
      return gated("succeedWhen", false, gate);
    }

    /**
     * The call waits a latency drawn from the tool's slow range, then returns data; it counts in
     * {@link FlakyTool#slowCalls()}. The draw is the one the random model makes for the same call
     * index.
     *
     * @return the step
     */
    public static Step slow() {
      return new Step("slow()", false, Wait.SLOW, 0, null, false);
    }

    /**
     * The call waits a latency drawn from the tool's fast range, then returns data. The draw is the
     * one the random model makes for the same call index.
     *
     * @return the step
     */
    public static Step fast() {
      return new Step("fast()", false, Wait.FAST, 0, null, false);
    }

    /**
     * The call blocks until its thread is interrupted, then throws {@link InterruptedException}.
     *
     * @return the step
     */
    public static Step hang() {
      return new Step("hang()", false, Wait.GATE, 0, NEVER, false);
    }

    /**
     * Returns this step, except that the call ignores interrupts: it waits its full latency or until
     * its gate opens, then fails or returns as planned, with its thread's interrupt status set again
     * if an interrupt arrived meanwhile. Such a call models a client that cannot be cancelled.
     *
     * @return the step
     * @throws IllegalStateException if this step is {@link #hang()}, which would then never end
     */
    public Step ignoringInterrupts() {
      if (gate == NEVER) {
        throw new IllegalStateException("hang() cannot ignore interrupts: it would never end");
      }
      return new Step(
          description + ".ignoringInterrupts()", fails, wait, fixedNanos, gate, true);
    }

    @Override
    public String toString() {
      return description;
    }

    private static Step fixed(String name, boolean fails, Duration latency) {
      long nanos = nanos(name + " latency", latency);
      return new Step(name + "(" + latency + ")", fails, Wait.FIXED, nanos, null, false);
    }

    private static Step gated(String name, boolean fails, CountDownLatch gate) {
      Objects.requireNonNull(gate, name + " gate");
      return new Step(name + "(gate)", fails, Wait.GATE, 0, gate, false);
    }

    /** The reply that performs this step with {@code tool}'s latency ranges and time scale. */
    private Reply<Long> reply(FlakyTool tool) {
      Reply<Long> ends = fails ? Reply.failureFrom(call -> new ConnectException(FAILURE_MESSAGE))
          : Reply.valueFrom(call -> call);
      Reply<Long> reply = switch (wait) {
        case FIXED -> ends.after(Duration.ofNanos(fixedNanos)).scaled(tool.timeScale);
        case FAST -> ends.after(Duration.ofNanos(tool.fastMinNanos), Duration.ofNanos(tool.fastMaxNanos))
            .scaled(tool.timeScale);
        case SLOW -> ends.after(Duration.ofNanos(tool.slowMinNanos), Duration.ofNanos(tool.slowMaxNanos))
            .scaled(tool.timeScale);
        case GATE -> gate == NEVER ? Reply.hang() : ends.afterLatch(Objects.requireNonNull(gate, "gate"));
      };
      return ignoresInterrupts ? reply.ignoringInterrupts() : reply;
    }
  }

  /**
   * Configures a {@link FlakyTool}. Each setter checks its own arguments at once; {@link #build()}
   * checks that the rates add up to at most 1. A builder is not thread-safe, and the tools it builds
   * do not change when it does.
   */
  public static final class Builder extends SimulationBuilder<Builder> {

    private double failureRate = 0.2;
    private double slowRate = 0.1;
    private Duration fastMin = Duration.ofMillis(500);
    private Duration fastMax = Duration.ofSeconds(1);
    private Duration slowMin = Duration.ofSeconds(5);
    private Duration slowMax = Duration.ofSeconds(7);
    private double timeScale = 1;
    private List<Step> script = List.of();

    private Builder() {}

    /**
     * Sets the probability that a call fails at once; default 0.2.
     *
     * @param rate a probability in [0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or NaN
     */
    public Builder failureRate(double rate) {
      this.failureRate = rate("failureRate", rate);
      return this;
    }

    /**
     * Sets the probability that a call is slow; default 0.1.
     *
     * @param rate a probability in [0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is outside [0, 1] or NaN
     */
    public Builder slowRate(double rate) {
      this.slowRate = rate("slowRate", rate);
      return this;
    }

    /**
     * Sets the range of a fast call's latency, drawn uniformly in [min, max); default [0.5 s, 1 s).
     *
     * @param min the shortest latency, not negative
     * @param max the longest latency, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if a bound is negative or {@code min > max}
     * @throws NullPointerException if a bound is null
     */
    public Builder fastLatency(Duration min, Duration max) {
      range("fastLatency", min, max);
      this.fastMin = min;
      this.fastMax = max;
      return this;
    }

    /**
     * Sets the range of a slow call's latency, drawn uniformly in [min, max); default [5 s, 7 s).
     *
     * @param min the shortest latency, not negative
     * @param max the longest latency, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if a bound is negative or {@code min > max}
     * @throws NullPointerException if a bound is null
     */
    public Builder slowLatency(Duration min, Duration max) {
      range("slowLatency", min, max);
      this.slowMin = min;
      this.slowMax = max;
      return this;
    }


    /**
     * Sets the factor that multiplies every latency, scripted ones included; default 1. With 0.001 a
     * latency of seconds becomes one of milliseconds; with 1e-6, one of microseconds. The outcomes
     * do not depend on it.
     *
     * @param scale a positive, finite factor
     * @return this builder
     * @throws IllegalArgumentException if {@code scale} is not positive or not finite
     */
    public Builder timeScale(double scale) {
      if (!(scale > 0 && scale < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("timeScale must be positive and finite, was " + scale);
      }
      this.timeScale = scale;
      return this;
    }


    /**
     * Makes the tool follow a script instead of the random model: call {@code i} performs {@code
     * steps[i]}, and calls past the end repeat the last step. The rates then play no part; the
     * latency ranges, seed and time scale still apply.
     *
     * @param steps at least one step
     * @return this builder
     * @throws IllegalArgumentException if {@code steps} is empty
     * @throws NullPointerException if {@code steps} or one of them is null
     */
    public Builder script(Step... steps) {
      if (steps.length == 0) {
        throw new IllegalArgumentException("script must have at least one step");
      }
      this.script = List.of(steps);
      return this;
    }

    /**
     * Builds a tool with the current settings, drawing a random seed unless one was set.
     *
     * @return a new tool, with its counters at zero
     * @throws IllegalArgumentException if {@code failureRate + slowRate > 1}
     */
    public FlakyTool build() {
      if (failureRate + slowRate > 1) {
        throw new IllegalArgumentException(
            "failureRate + slowRate must be at most 1, was " + failureRate + " + " + slowRate);
      }
      return new FlakyTool(this);
    }

    private static double rate(String name, double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException(name + " must be in [0, 1], was " + rate);
      }
      return rate;
    }

    private static void range(String name, Duration min, Duration max) {
      long minNanos = nanos(name + " min", min);
      long maxNanos = nanos(name + " max", max);
      if (minNanos > maxNanos) {
        throw new IllegalArgumentException(
            name + " min must not exceed max, was " + min + " > " + max);
      }
    }
  }
}
