package dev.redundant.testing;

import static dev.redundant.internal.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import dev.redundant.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A load-sensitive backend: replicas, each with a number of workers and a FIFO queue, where a request's
 * service time grows with the number of busy workers. It shows what redundant requests cost a dependency
 * that is near its capacity: each hedge takes a worker, slows the others, and may queue.
 *
 * {@snippet :
 * QueueingBackend backend = QueueingBackend.builder()
 *     .replicas(3)
 *     .workersPerReplica(4)
 *     .serviceTime(LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8))
 *     .timeSource(time)
 *     .seed(42)
 *     .build();
 * ReplicaReply reply = hedge.call(attempt -> backend.call((primary + attempt.index()) % backend.replicas()));
 * }
 *
 * <p><b>Model.</b> A request to a replica with a free worker (and nobody queued) starts service at once;
 * otherwise it joins the replica's queue, and the next worker to finish takes the oldest queued request.
 * A service drawn as {@code s} from the service-time distribution lasts {@code s * (1 + slowdown * busy /
 * workersPerReplica)}, {@code busy} being the replica's busy workers when the service starts, this one
 * included: with the default slowdown of 1 and 4 workers, a request served alone takes 1.25 s, one
 * served while all 4 workers are busy 2 s. A worker freed at a planned end takes the next request from
 * that time on, even when the thread that ran the service wakes up later.
 *
 * <p><b>Cancellation.</b> A request whose thread is interrupted while it is queued leaves the queue at
 * once and throws {@link InterruptedException}. A request already in service runs to its end, as a
 * server keeps working on a request whose client has left: the calling thread stays until the planned
 * end, keeping the worker busy, and then throws {@link InterruptedException} (status cleared).
 *
 * <p><b>Time.</b> Queueing and service elapse on the builder's {@link TimeSource} (default
 * {@link TimeSource#system()}).
 *
 * <p><b>Determinism.</b> Requests are numbered from 0 in the order they arrive; request {@code i}'s drawn
 * service time depends only on the seed and {@code i}. How long it waits depends on the other requests.
 *
 * <p><b>Thread safety:</b> thread-safe. Each replica has a lock held only for a few field updates, never
 * while waiting, so virtual threads are not pinned.
 */
public final class QueueingBackend {
  private final Replica[] replicas;
  private final int workers;
  private final double slowdown;
  private final LatencyDistribution serviceTime;
  private final TimeSource time;
  private final long seed;
  private final AtomicLong calls = new AtomicLong();
  private final LongAdder served = new LongAdder();
  private final LongAdder leftQueue = new LongAdder();
  private final LongAdder cancelledInService = new LongAdder();
  private final LongAdder busyNanos = new LongAdder();

  private QueueingBackend(Builder builder) {
    this.replicas = new Replica[builder.replicas];
    for (int i = 0; i < replicas.length; i++) {
      replicas[i] = new Replica();
    }
    this.workers = builder.workers;
    this.slowdown = builder.slowdown;
    this.serviceTime = builder.serviceTime;
    this.time = builder.time();
    this.seed = builder.seedOrRandom();
  }

  /**
   * Returns a builder: 1 replica of 4 workers, service time lognormal with median 10 ms and sigma 0.8,
   * slowdown 1, the system clock, a random seed.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends a request to a replica and waits until it is served.
   *
   * @param replica the replica, from 0 to {@code replicas() - 1}
   * @return which replica served it and the request's index
   * @throws InterruptedException if interrupted while queued (at once) or in service (at its end)
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public ReplicaReply call(int replica) throws InterruptedException {
    requireReplica(replica);
    long index = calls.getAndIncrement();
    long drawn = serviceTime.sampleNanos(SeededDraws.forCall(seed, index));
    Replica r = replicas[replica];
    Request request = new Request(Thread.currentThread(), drawn, time.nanoTime());
    r.lock.lock();
    try {
      if (r.busy < workers && r.queue.isEmpty()) {
        r.busy++;
        startService(r, request, request.arrivalNanos);
      } else {
        r.queue.add(request);
      }
    } finally {
      r.lock.unlock();
    }
    awaitWorker(r, request);
    boolean interrupted = Waits.uninterruptiblyUntil(time, request.endNanos);
    finishService(r, request);
    if (interrupted) {
      cancelledInService.increment();
      throw new InterruptedException("interrupted in service; the service ran to its end");
    }
    served.increment();
    return new ReplicaReply(replica, index);
  }

  /** Waits until {@code request} has a worker, or leaves the queue when interrupted. */
  private void awaitWorker(Replica r, Request request) throws InterruptedException {
    while (true) {
      r.lock.lock();
      try {
        if (request.inService) {
          return;
        }
        // Checked under the lock. Guard against race with finishService handing this request a worker:
        // once it has one it is in service and must run to its end, whatever the interrupt.
        if (Thread.interrupted()) {
          r.queue.remove(request);
          leftQueue.increment();
          throw new InterruptedException("interrupted while queued; the request left the queue");
        }
      } finally {
        r.lock.unlock();
      }
      // finishService unparks this thread when it hands it a worker; parking again after a spurious
      // return or an advance of a manual clock is harmless.
      time.parkUntil(time.nanoTime() + Duration.ofDays(1).toNanos());
    }
  }

  /**
   * Starts serving {@code request} at {@code startNanos} on a worker already counted in {@code r.busy}.
   * Holds the replica's lock.
   */
  private void startService(Replica r, Request request, long startNanos) {
    double factor = 1 + slowdown * r.busy / workers;
    request.startNanos = startNanos;
    request.endNanos = startNanos + Math.round(request.drawnNanos * factor);
    request.inService = true;
  }

  /** Frees the worker of a finished request, or hands it to the oldest queued request. */
  private void finishService(Replica r, Request request) {
    busyNanos.add(request.endNanos - request.startNanos);
    Request next;
    r.lock.lock();
    try {
      next = r.queue.poll();
      if (next == null) {
        r.busy--;
      } else {
        // The worker passes to the next request (busy stays the same). It was free from the planned end,
        // not from when this thread woke up.
        startService(r, next, Math.max(next.arrivalNanos, request.endNanos));
      }
    } finally {
      r.lock.unlock();
    }
    if (next != null) {
      LockSupport.unpark(next.thread);
    }
  }

  /**
   * Returns the number of replicas.
   *
   * @return at least 1
   */
  public int replicas() {
    return replicas.length;
  }

  /**
   * Returns how many workers each replica has.
   *
   * @return at least 1
   */
  public int workersPerReplica() {
    return workers;
  }

  /**
   * Returns how many requests arrived.
   *
   * @return the count
   */
  public long calls() {
    return calls.get();
  }

  /**
   * Returns how many requests were served to their caller.
   *
   * @return the count
   */
  public long served() {
    return served.sum();
  }

  /**
   * Returns how many requests left a queue because their thread was interrupted.
   *
   * @return the count
   */
  public long leftQueue() {
    return leftQueue.sum();
  }

  /**
   * Returns how many requests were interrupted in service and ran to their end anyway.
   *
   * @return the count
   */
  public long cancelledInService() {
    return cancelledInService.sum();
  }

  /**
   * Returns the total time workers spent serving finished requests, cancelled ones included: divided by
   * the elapsed time and the number of workers, the utilisation.
   *
   * @return the busy time
   */
  public Duration busyTime() {
    return Duration.ofNanos(busyNanos.sum());
  }

  /**
   * Returns the requests waiting in a replica's queue now.
   *
   * @param replica the replica, from 0 to {@code replicas() - 1}
   * @return the queue's length
   * @throws IllegalArgumentException if {@code replica} is out of bounds
   */
  public int queued(int replica) {
    requireReplica(replica);
    Replica r = replicas[replica];
    r.lock.lock();
    try {
      return r.queue.size();
    } finally {
      r.lock.unlock();
    }
  }

  private void requireReplica(int replica) {
    requireArgument(replica >= 0 && replica < replicas.length, "replica must be between 0 and %s, was %s",
        replicas.length - 1, replica);
  }

  @Override
  public String toString() {
    return "QueueingBackend[" + replicas.length + " x " + workers + " workers, " + calls() + " calls]";
  }

  /** One replica's workers and queue; guarded by {@link #lock}. */
  private static final class Replica {
    final ReentrantLock lock = new ReentrantLock();
    final ArrayDeque<Request> queue = new ArrayDeque<>();
    int busy;
  }

  /**
   * One request. {@code inService}, {@code startNanos} and {@code endNanos} are written under its
   * replica's lock; its own thread reads them after seeing {@code inService} under that lock.
   */
  private static final class Request {
    final Thread thread;
    final long drawnNanos;
    final long arrivalNanos;
    boolean inService;
    long startNanos;
    long endNanos;

    Request(Thread thread, long drawnNanos, long arrivalNanos) {
      this.thread = thread;
      this.drawnNanos = drawnNanos;
      this.arrivalNanos = arrivalNanos;
    }
  }

  /**
   * Configures a {@link QueueingBackend}. Each setter checks its argument at once; {@link #build()} copies
   * the settings. Not thread-safe.
   */
  public static final class Builder extends SimulationBuilder<Builder> {
    private int replicas = 1;
    private int workers = 4;
    private double slowdown = 1;
    private LatencyDistribution serviceTime = LatencyDistribution.lognormal(Duration.ofMillis(10), 0.8);

    private Builder() {}

    /**
     * Sets the number of replicas.
     *
     * @param replicas 1 to 1,000; default 1
     * @return this builder
     * @throws IllegalArgumentException if out of bounds
     */
    public Builder replicas(int replicas) {
      requireArgument(replicas >= 1 && replicas <= 1000, "replicas must be between 1 and 1000, was %s", replicas);
      this.replicas = replicas;
      return this;
    }

    /**
     * Sets the number of workers of each replica.
     *
     * @param workers 1 to 10,000; default 4
     * @return this builder
     * @throws IllegalArgumentException if out of bounds
     */
    public Builder workersPerReplica(int workers) {
      requireArgument(workers >= 1 && workers <= 10_000, "workersPerReplica must be between 1 and 10000, was %s",
          workers);
      this.workers = workers;
      return this;
    }

    /**
     * Sets the service-time distribution, before the slowdown.
     *
     * @param serviceTime the distribution; default lognormal, median 10 ms, sigma 0.8
     * @return this builder
     * @throws NullPointerException if {@code serviceTime} is null
     */
    public Builder serviceTime(LatencyDistribution serviceTime) {
      this.serviceTime = requireNonNull(serviceTime, "serviceTime");
      return this;
    }

    /**
     * Sets how much busy workers slow a service down: it lasts {@code s * (1 + slowdown * busy /
     * workersPerReplica)}.
     *
     * @param slowdown 0 (no slowdown) to 100; default 1
     * @return this builder
     * @throws IllegalArgumentException if out of bounds or not a number
     */
    public Builder slowdown(double slowdown) {
      requireArgument(slowdown >= 0 && slowdown <= 100, "slowdown must be between 0 and 100, was %s", slowdown);
      this.slowdown = slowdown;
      return this;
    }



    /**
     * Builds the backend, every worker idle.
     *
     * @return a new backend
     */
    public QueueingBackend build() {
      return new QueueingBackend(this);
    }
  }
}
