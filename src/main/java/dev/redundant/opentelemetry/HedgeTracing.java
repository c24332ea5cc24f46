package dev.redundant.opentelemetry;

import static java.util.Objects.requireNonNull;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Attempt;
import dev.redundant.AttemptReport;
import dev.redundant.AttemptTask;
import dev.redundant.FatalFailureException;
import dev.redundant.Hedge;
import dev.redundant.HedgeListener;
import dev.redundant.HedgeResult;
import dev.redundant.HedgeTimeoutException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces for one hedging policy: a span per call and, under it, a span per attempt. Bind a
 * policy in two lines, then call the {@link TracedHedge} where you called the {@link Hedge}:
 *
 * <pre>{@code
 * HedgeTracing tracing = HedgeTracing.create(openTelemetry, "quotes");
 * TracedHedge<Quote> quotes = tracing.traced(Hedge.builder().maxAttempts(3).listener(tracing).build());
 *
 * Quote q = quotes.call(attempt -> client.quote(symbol));   // the same methods as Hedge
 * }</pre>
 *
 * (with metrics too: {@code listener(HedgeListener.of(metrics, tracing))}). This object is the policy's
 * {@link HedgeListener}: it learns from the policy's events how each attempt ended and which hedges and
 * failovers were skipped. A {@link TracedHedge} wraps each call: it starts the call's span as a child of the
 * caller's current {@link Context}, runs every attempt's task with the attempt's span current, and ends the
 * call's span when the call ends. Calls made on the {@link Hedge} itself, not through a {@code TracedHedge},
 * make no spans.
 *
 * <h2>Spans</h2>
 * <table>
 *   <caption>The call's span (named after the policy, kind {@code INTERNAL})</caption>
 *   <tr><th>attribute</th><th>value</th></tr>
 *   <tr><td>{@code redundant.policy}</td><td>the policy's name</td></tr>
 *   <tr><td>{@code redundant.call.outcome}</td><td>{@code succeeded}, {@code all_failed} (every attempt
 *       started failed, also when the budget or the deadline refused the failover that would have come next:
 *       see the events), {@code fatal}, {@code timed_out}, {@code cancelled} (the caller gave up: interrupted,
 *       or its future cancelled or completed from outside) or {@code error}</td></tr>
 *   <tr><td>{@code redundant.call.winner}, {@code redundant.call.winner.trigger}</td><td>the winning
 *       attempt's index and trigger ({@code first}, {@code hedge}, {@code failover}); only on success</td></tr>
 *   <tr><td>{@code redundant.call.attempts}, {@code redundant.call.hedges},
 *       {@code redundant.call.failovers}</td><td>attempts started, and how many of them were hedges and
 *       failovers</td></tr>
 * </table>
 * The status is {@code ERROR} when the call failed ({@code all_failed}, {@code fatal}, {@code timed_out},
 * {@code error}), with the exception recorded; unset otherwise. Each hedge or failover that was not started
 * is an event {@code attempt skipped} with {@code redundant.attempt.index}, {@code redundant.attempt.trigger}
 * and {@code redundant.skip.reason} ({@code budget}, {@code deadline}); a call the caller gave up has an
 * event {@code cancelled}.
 *
 * <table>
 *   <caption>An attempt's span (named {@code "<policy> attempt"}, a child of the call's)</caption>
 *   <tr><th>attribute</th><th>value</th></tr>
 *   <tr><td>{@code redundant.attempt.index}</td><td>0 for the first attempt, then 1, 2, ...</td></tr>
 *   <tr><td>{@code redundant.attempt.trigger}</td><td>{@code first}, {@code hedge} or {@code failover}</td></tr>
 *   <tr><td>{@code redundant.attempt.replica}</td><td>the index of the replica the attempt was routed to, when
 *       the policy routes over {@code Replicas}; absent otherwise</td></tr>
 *   <tr><td>{@code redundant.attempt.outcome}</td><td>{@code succeeded} (it won), {@code failed},
 *       {@code rejected}, {@code timed_out} (its attempt timeout) or {@code cancelled}</td></tr>
 * </table>
 * A failed, rejected or timed-out attempt has status {@code ERROR} and its failure recorded as an exception.
 * A cancelled attempt (another attempt won, or the call ended) is not an error: its status stays unset and
 * it has an event {@code cancelled}. An attempt's span starts when the attempt starts and ends when its
 * task has returned <em>and</em> the policy has judged its outcome, so a loser that ignores its interrupt
 * keeps its span open, under the call's ended span, until its task returns.
 *
 * <h2>Context</h2>
 * Each attempt's task runs with a {@link Context} current that is the caller's (captured when the call
 * starts, with its baggage) plus the attempt's span, made current in a try-with-resources around the task.
 * So the client's own instrumentation (an HTTP or JDBC span) nests under the attempt's span, on whichever
 * thread the attempt runs, as the slf4j MDC is copied.
 *
 * <h2>Threads, cancellation, interruption</h2>
 * Thread-safe: one instance serves every call of its policy at once, from any thread. Listener methods run
 * on the threads of their events, take no lock and do not block. Tracing changes nothing in how a call
 * behaves: attempts are interrupted and values discarded as without it, {@code InterruptedException} and
 * every failure reach the caller unchanged, and the wrapped task rethrows what the task threw; the scope of
 * the attempt's context is closed however the task ends, interrupted or not. Nothing here starts a thread
 * or needs closing.
 *
 * <p>What it relies on: the events of a call reach this listener on the caller's thread, the thread of a
 * failed attempt, or the call's own clock thread, which is how it tells the calls of a policy apart. An
 * event it cannot place (a call made on the {@code Hedge} directly) is ignored. If the policy was built
 * without this listener, the spans still appear, but attempts' spans end with the call and skipped attempts
 * are missing; a warning says so once.
 *
 * <p><b>Optional dependency:</b> this class needs {@code opentelemetry-api} on the class path (the library
 * declares it optional); the rest of the library never loads it.
 *
 * <p><b>Sampling:</b> a call whose span does not record (the sampler dropped it, or there is no SDK) keeps
 * no attempt spans and ignores its events: its attempts only run with the call's context current, so that
 * propagation and baggage still reach the client.
 */
public final class HedgeTracing implements HedgeListener {
  static final AttributeKey<String> POLICY = AttributeKey.stringKey("redundant.policy");
  static final AttributeKey<String> CALL_OUTCOME = AttributeKey.stringKey("redundant.call.outcome");
  static final AttributeKey<Long> CALL_WINNER = AttributeKey.longKey("redundant.call.winner");
  static final AttributeKey<String> CALL_WINNER_TRIGGER = AttributeKey.stringKey("redundant.call.winner.trigger");
  static final AttributeKey<Long> CALL_ATTEMPTS = AttributeKey.longKey("redundant.call.attempts");
  static final AttributeKey<Long> CALL_HEDGES = AttributeKey.longKey("redundant.call.hedges");
  static final AttributeKey<Long> CALL_FAILOVERS = AttributeKey.longKey("redundant.call.failovers");
  static final AttributeKey<Long> ATTEMPT_INDEX = AttributeKey.longKey("redundant.attempt.index");
  static final AttributeKey<String> ATTEMPT_TRIGGER = AttributeKey.stringKey("redundant.attempt.trigger");
  static final AttributeKey<Long> ATTEMPT_REPLICA = AttributeKey.longKey("redundant.attempt.replica");
  static final AttributeKey<String> ATTEMPT_OUTCOME = AttributeKey.stringKey("redundant.attempt.outcome");
  static final AttributeKey<String> SKIP_REASON = AttributeKey.stringKey("redundant.skip.reason");

  private static final Logger LOG = LoggerFactory.getLogger(HedgeTracing.class);
  private static final AttemptTrace[] NO_ATTEMPTS = {};

  /**
   * The traced call a thread makes (the caller's thread, during the call), inherited by the threads the
   * call creates meanwhile: its clock thread, which starts hedges and skips them.
   */
  private static final InheritableThreadLocal<@Nullable CallRef> CURRENT = new InheritableThreadLocal<>();
  /**
   * The traced call of the latest attempt failure on this thread: the next failover the thread starts or
   * skips is that call's (the engine reports a failure, then on the same thread the failover it asks for).
   */
  private static final ThreadLocal<@Nullable CallRef> LAST_FAILED = new ThreadLocal<>();

  private final Tracer tracer;
  private final String policy;
  private final String attemptSpanName;
  /** The attempts whose span is open, for the listener's events. */
  private final ConcurrentHashMap<Attempt, AttemptTrace> open = new ConcurrentHashMap<>();
  private final AtomicBoolean warnedNoListener = new AtomicBoolean();

  private HedgeTracing(Tracer tracer, String policy) {
    this.tracer = tracer;
    this.policy = policy;
    this.attemptSpanName = policy + " attempt";
  }

  /**
   * Returns the tracing of one policy, with spans from {@code openTelemetry}'s tracer
   * {@code dev.redundant}.
   *
   * @param openTelemetry where the spans go (the application's SDK, or {@code GlobalOpenTelemetry.get()})
   * @param policy the policy's name: the call spans' name and the {@code redundant.policy} attribute; not
   *     blank
   * @return a new tracing, to pass as the policy's listener and to {@link #traced(Hedge)}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code policy} is blank
   */
  public static HedgeTracing create(OpenTelemetry openTelemetry, String policy) {
    requireNonNull(openTelemetry, "openTelemetry");
    requireNonNull(policy, "policy");
    if (policy.isBlank()) {
      throw new IllegalArgumentException("policy must not be blank");
    }
    return new HedgeTracing(openTelemetry.getTracer("dev.redundant"), policy);
  }

  /**
   * Returns the traced form of {@code hedge}: the same calls, each with its spans. Build {@code hedge} with
   * this object as its listener (see the class comment).
   *
   * @param hedge the policy
   * @param <T> the policy's value type
   * @return a traced policy; thread-safe, keep it where you kept the policy
   * @throws NullPointerException if {@code hedge} is null
   */
  public <T> TracedHedge<T> traced(Hedge<T> hedge) {
    return new TracedHedge<>(this, requireNonNull(hedge, "hedge"));
  }

  // ---------------------------------------------------------------- calls (used by TracedHedge)

  /** Starts a call's span under the caller's current context, and makes the call the thread's current one. */
  CallTrace begin() {
    Context parent = Context.current();
    Span span = tracer.spanBuilder(policy).setParent(parent).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(POLICY, policy).startSpan();
    return new CallTrace(parent.with(span), span);
  }

  /** Makes {@code call} the current call of this thread (and of the threads it creates); returns the previous. */
  static @Nullable CallRef enter(CallTrace call) {
    CallRef previous = CURRENT.get();
    CURRENT.set(call.ref);
    return previous;
  }

  /** Restores what {@link #enter} returned. */
  static void leave(@Nullable CallRef previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  // ---------------------------------------------------------------- the listener

  @Override
  public void onAttemptStarted(Attempt attempt) {
    CallTrace call = callOf(attempt.trigger() == Attempt.Trigger.FAILOVER ? LAST_FAILED : CURRENT);
    if (call != null && call.recording) {
      call.listened = true;
      call.attempt(attempt); // the span starts with the attempt, before its task is handed to the executor
    }
  }

  @Override
  public void onAttemptSucceeded(Attempt attempt, Duration duration) {
    AttemptTrace trace = open.get(attempt);
    if (trace != null) {
      trace.classify(AttemptReport.Outcome.SUCCEEDED, null);
    }
  }

  @Override
  public void onAttemptFailed(Attempt attempt, AttemptReport report) {
    AttemptTrace trace = open.get(attempt);
    LAST_FAILED.set(trace == null ? null : trace.call.ref);
    if (trace != null) {
      trace.call.listened = true;
      trace.classify(report.outcome(), report.failure());
    }
  }

  @Override
  public void onAttemptCancelled(Attempt attempt) {
    AttemptTrace trace = open.get(attempt);
    if (trace != null) {
      trace.classify(AttemptReport.Outcome.CANCELLED, null);
    }
  }

  @Override
  public void onAttemptSkipped(SkippedAttempt skipped) {
    CallTrace call = skipped.trigger() == Attempt.Trigger.FAILOVER ? callOf(LAST_FAILED) : callOf(CURRENT);
    if (call != null && call.recording) {
      call.span.addEvent("attempt skipped", Attributes.of(ATTEMPT_INDEX, (long) skipped.index(),
          ATTEMPT_TRIGGER, tagValue(skipped.trigger()), SKIP_REASON, tagValue(skipped.reason())));
    }
  }

  /** The call of this tracing that {@code where} names on this thread, if it still runs. */
  private @Nullable CallTrace callOf(ThreadLocal<@Nullable CallRef> where) {
    CallRef ref = where.get();
    CallTrace call = ref == null ? null : ref.call;
    return call != null && call.owner() == this ? call : null;
  }

  /**
   * Describes the tracing, for logs.
   *
   * @return for example {@code HedgeTracing[policy=quotes]}
   */
  @Override
  public String toString() {
    return "HedgeTracing[policy=" + policy + "]";
  }

  static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- per call

  /** Points at a running call; cleared when it ends, so a thread that inherited it holds nothing. */
  static final class CallRef {
    volatile @Nullable CallTrace call;
  }

  /**
   * One traced call: its span, its context, and its attempts' traces by index. A call whose span does not
   * record (sampled out, or no SDK) keeps no attempts: its attempts only run with its context current.
   */
  final class CallTrace {
    final Context context;
    final Span span;
    final boolean recording;
    final CallRef ref = new CallRef();
    /** Whether the listener saw this call: if not, the policy was built without it. */
    volatile boolean listened;
    /** The attempts' traces, by index, null where none yet; copied on write (a call has a few). */
    private final AtomicReference<AttemptTrace[]> attempts = new AtomicReference<>(NO_ATTEMPTS);
    /** The reports the call ended with, once it ended; null while it runs. */
    private volatile @Nullable List<AttemptReport> ended;

    CallTrace(Context context, Span span) {
      this.context = context;
      this.span = span;
      this.recording = span.isRecording();
      ref.call = this;
    }

    HedgeTracing owner() {
      return HedgeTracing.this;
    }

    /**
     * Wraps the call's task: each attempt runs with its span current, and its span learns when it returned;
     * a call that does not record runs its attempts with the call's context current.
     */
    @SuppressWarnings("try") // the scope is there to be closed
    <T> AttemptTask<T> wrap(AttemptTask<? extends T> task) {
      if (!recording) {
        return attempt -> {
          try (Scope scope = context.makeCurrent()) {
            return task.call(attempt);
          }
        };
      }
      return attempt -> {
        AttemptTrace trace = attempt(attempt);
        boolean own = trace.enter();
        try (Scope scope = trace.context.makeCurrent()) {
          return task.call(attempt);
        } finally {
          if (own) {
            trace.exit();
          }
        }
      };
    }

    /** The trace of {@code attempt}, started now if it has none yet. */
    AttemptTrace attempt(Attempt attempt) {
      int index = attempt.index();
      AttemptTrace created = null;
      for (;;) {
        AttemptTrace[] current = requireNonNull(attempts.get());
        AttemptTrace existing = index < current.length ? current[index] : null;
        if (existing != null) {
          return existing;
        }
        if (created == null) {
          // Started at most once per attempt in practice: the listener creates it before the task is handed
          // over, else the task does. Were both to race, the loser's span would never end, so never be exported.
          SpanBuilder span = tracer.spanBuilder(attemptSpanName).setParent(context)
              .setSpanKind(SpanKind.INTERNAL)
              .setAttribute(POLICY, policy)
              .setAttribute(ATTEMPT_INDEX, (long) index)
              .setAttribute(ATTEMPT_TRIGGER, tagValue(attempt.trigger()));
          if (attempt.replicaIndex() != Attempt.NOT_ROUTED) {
            span.setAttribute(ATTEMPT_REPLICA, (long) attempt.replicaIndex()); // the policy routes over replicas
          }
          created = new AttemptTrace(this, attempt, span.startSpan());
        }
        AttemptTrace[] next = Arrays.copyOf(current, Math.max(current.length, index + 1));
        next[index] = created;
        if (attempts.compareAndSet(current, next)) {
          open.put(attempt, created);
          List<AttemptReport> reports = ended;
          if (reports != null) { // the call ended before this attempt's task ran: it lost
            created.classify(reportOf(reports, index));
          }
          return created;
        }
      }
    }

    /** The call returned a value. */
    void succeeded(HedgeResult<?> result) {
      if (!recording) {
        ref.call = null;
        span.end();
        return;
      }
      safely(() -> {
        end(result.attempts());
        span.setAttribute(CALL_OUTCOME, "succeeded");
        span.setAttribute(CALL_WINNER, (long) result.winner());
        AttemptTrace winner = traceOf(result.winner());
        if (winner != null) {
          span.setAttribute(CALL_WINNER_TRIGGER, tagValue(winner.attempt.trigger()));
        }
      });
      span.end();
    }

    /** The call threw {@code failure} (to the caller, or into its future). */
    void failed(Throwable failure) {
      if (!recording) {
        ref.call = null;
        span.end();
        return;
      }
      safely(() -> {
        end(failure instanceof AllAttemptsFailedException all ? all.attempts() : List.of());
        String outcome = outcomeOf(failure);
        span.setAttribute(CALL_OUTCOME, outcome);
        if (outcome.equals("cancelled")) {
          span.addEvent("cancelled");
        } else {
          span.setStatus(StatusCode.ERROR, outcome);
          span.recordException(failure);
        }
      });
      span.end();
    }

    /** Ends the call: every attempt not judged yet is judged by the call's reports, and the counts are set. */
    private void end(List<AttemptReport> reports) {
      ended = reports;
      ref.call = null;
      AttemptTrace[] all = requireNonNull(attempts.get());
      int hedges = 0;
      int failovers = 0;
      for (AttemptTrace trace : all) {
        if (trace != null) {
          trace.classify(reportOf(reports, trace.attempt.index()));
          hedges += trace.attempt.trigger() == Attempt.Trigger.HEDGE ? 1 : 0;
          failovers += trace.attempt.trigger() == Attempt.Trigger.FAILOVER ? 1 : 0;
        }
      }
      span.setAttribute(CALL_ATTEMPTS, (long) Math.max(reports.size(), all.length));
      span.setAttribute(CALL_HEDGES, (long) hedges);
      span.setAttribute(CALL_FAILOVERS, (long) failovers);
      if (!listened && all.length > 0 && warnedNoListener.compareAndSet(false, true)) {
        LOG.warn("{} is not the listener of the policy it traces: attempts' spans end with their call and"
            + " skipped attempts are not recorded; build the policy with .listener(tracing)", HedgeTracing.this);
      }
    }

    private @Nullable AttemptTrace traceOf(int index) {
      AttemptTrace[] all = requireNonNull(attempts.get());
      return index >= 0 && index < all.length ? all[index] : null;
    }
  }

  private static AttemptReport reportOf(List<AttemptReport> reports, int index) {
    return index < reports.size() ? reports.get(index)
        : new AttemptReport(index, AttemptReport.Outcome.CANCELLED, Duration.ZERO, null);
  }

  private static String outcomeOf(Throwable failure) {
    if (failure instanceof FatalFailureException) {
      return "fatal";
    }
    if (failure instanceof HedgeTimeoutException) {
      return "timed_out";
    }
    if (failure instanceof AllAttemptsFailedException) {
      return "all_failed";
    }
    if (failure instanceof InterruptedException || failure instanceof CancellationException) {
      return "cancelled";
    }
    return "error";
  }

  /** Runs span work that reads users' objects (an exception whose toString throws): tracing never breaks a call. */
  static void safely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("Tracing a call failed", e);
    }
  }

  // ---------------------------------------------------------------- per attempt

  /**
   * One attempt's span. It ends once both its task has returned (or never ran) and its outcome is known,
   * from the listener or from the call's reports, whichever comes first; one compare-and-set on
   * {@code state} decides who ends it.
   */
  final class AttemptTrace {
    private static final int RAN = 1;
    private static final int RETURNED = 2;
    private static final int JUDGED = 4;
    private static final int ENDED = 8;

    final CallTrace call;
    final Attempt attempt;
    final Span span;
    final Context context;
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicReference<@Nullable AttemptReport> outcome = new AtomicReference<>();

    AttemptTrace(CallTrace call, Attempt attempt, Span span) {
      this.call = call;
      this.attempt = attempt;
      this.span = span;
      this.context = call.context.with(span);
    }

    /** The task starts; false if the span has ended already (the attempt was cancelled before it ran). */
    boolean enter() {
      for (;;) {
        int s = state.get();
        if ((s & ENDED) != 0) {
          return false;
        }
        if (state.compareAndSet(s, s | RAN)) {
          return true;
        }
      }
    }

    /** The task returned or threw. */
    void exit() {
      for (;;) {
        int s = state.get();
        boolean end = (s & JUDGED) != 0 && (s & ENDED) == 0;
        if (state.compareAndSet(s, s | RETURNED | (end ? ENDED : 0))) {
          if (end) {
            finish();
          }
          return;
        }
      }
    }

    void classify(AttemptReport.Outcome how, @Nullable Throwable failure) {
      classify(new AttemptReport(attempt.index(), how, Duration.ZERO, failure));
    }

    /** The attempt's outcome is known; the first one given counts. */
    void classify(AttemptReport report) {
      if (!outcome.compareAndSet(null, report)) {
        return;
      }
      for (;;) {
        int s = state.get();
        boolean end = ((s & RAN) == 0 || (s & RETURNED) != 0) && (s & ENDED) == 0;
        if (state.compareAndSet(s, s | JUDGED | (end ? ENDED : 0))) {
          if (end) {
            finish();
          }
          return;
        }
      }
    }

    private void finish() {
      open.remove(attempt, this);
      AttemptReport report = requireNonNull(outcome.get(), "outcome");
      safely(() -> {
        span.setAttribute(ATTEMPT_OUTCOME, tagValue(report.outcome()));
        switch (report.outcome()) {
          case SUCCEEDED -> { }
          case CANCELLED -> span.addEvent("cancelled");
          case FAILED, REJECTED, TIMED_OUT -> {
            span.setStatus(StatusCode.ERROR, tagValue(report.outcome()));
            Throwable failure = report.failure();
            if (failure != null) {
              span.recordException(failure);
            }
          }
        }
      });
      span.end();
    }
  }
}
