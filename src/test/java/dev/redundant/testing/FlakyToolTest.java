package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.redundant.testing.FlakyTool.Kind;
import dev.redundant.testing.FlakyTool.Outcome;
import dev.redundant.testing.FlakyTool.Step;
import dev.redundant.testing.SimulatedCall.Threads;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlakyToolTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration LONG = Duration.ofMinutes(10);

  /** A call to {@code fetch} running in its own thread. */
  record Call(Thread thread, CompletableFuture<String> result, CompletableFuture<Boolean> flagAtEnd) {

    static Call start(Threads threads, FlakyTool tool) {
      CompletableFuture<String> result = new CompletableFuture<>();
      CompletableFuture<Boolean> flagAtEnd = new CompletableFuture<>();
      Thread thread =
          threads.factory.newThread(
              () -> {
                try {
                  result.complete(tool.fetch("q"));
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
                flagAtEnd.complete(Thread.currentThread().isInterrupted());
              });
      thread.start();
      return new Call(thread, result, flagAtEnd);
    }

    Throwable failure() {
      assertThat(result).failsWithin(PATIENCE);
      return result.exceptionNow();
    }

    String value() {
      return result.orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
    }

    void awaitState(Thread.State state) {
      patiently().until(() -> thread.getState() == state);
    }
  }

  /** Waits for an event on another thread, looking every millisecond; never a claim about speed. */
  private static ConditionFactory patiently() {
    return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
  }

  @AfterEach
  void clearInterruptStatus() {
    Thread.interrupted();
  }

  // ---------------------------------------------------------------- the random model

  @Test
  void defaultsFailOneCallInFiveAndSlowOneInTen() {
    FlakyTool tool = FlakyTool.builder().seed(1).build();
    int n = 100_000;
    Map<Kind, Integer> counts = new TreeMap<>();
    for (long i = 0; i < n; i++) {
      Outcome outcome = tool.outcomeOf(i);
      counts.merge(outcome.kind(), 1, Integer::sum);
      assertThat(outcome.scaledLatency()).isEqualTo(outcome.latency());
      switch (outcome.kind()) {
        case FAILURE -> assertThat(outcome.latency()).isZero();
        case SLOW -> assertThat(outcome.latency()).isBetween(seconds(5), seconds(7));
        case FAST -> assertThat(outcome.latency()).isBetween(seconds(0.5), seconds(1));
      }
    }
    assertThat(counts.get(Kind.FAILURE) / (double) n).isCloseTo(0.2, within(0.01));
    assertThat(counts.get(Kind.SLOW) / (double) n).isCloseTo(0.1, within(0.01));
    assertThat(counts.get(Kind.FAST) / (double) n).isCloseTo(0.7, within(0.01));
  }

  @Test
  void outcomesFollowTheSplittableRandomSequenceOfTheSeed() {
    long seed = -8_675_309;
    FlakyTool tool =
        FlakyTool.builder()
            .seed(seed)
            .failureRate(0.3)
            .slowRate(0.25)
            .fastLatency(Duration.ofMillis(10), Duration.ofMillis(20))
            .slowLatency(Duration.ofSeconds(1), Duration.ofSeconds(3))
            .build();
    SplittableRandom reference = new SplittableRandom(seed);
    for (long i = 0; i < 10_000; i++) {
      double roll = reference.nextDouble();
      double fraction = reference.nextDouble();
      Outcome outcome = tool.outcomeOf(i);
      if (roll < 0.3) {
        assertThat(outcome.kind()).isEqualTo(Kind.FAILURE);
      } else if (roll < 0.55) {
        assertThat(outcome.kind()).isEqualTo(Kind.SLOW);
        assertThat(outcome.latency().toNanos()).isEqualTo(1_000_000_000 + (long) (fraction * 2e9));
      } else {
        assertThat(outcome.kind()).isEqualTo(Kind.FAST);
        assertThat(outcome.latency().toNanos()).isEqualTo(10_000_000 + (long) (fraction * 1e7));
      }
    }
  }

  @Test
  void sameSeedSameOutcomesAndEachBuildDrawsItsOwnSeedOtherwise() {
    FlakyTool a = FlakyTool.builder().seed(99).build();
    FlakyTool b = FlakyTool.builder().seed(99).build();
    for (long i = 0; i < 1_000; i++) {
      assertThat(a.outcomeOf(i)).isEqualTo(b.outcomeOf(i));
    }
    assertThat(a.seed()).isEqualTo(99);
    assertThat(FlakyTool.withDefaults().seed()).isNotEqualTo(FlakyTool.withDefaults().seed());
  }

  @Test
  void rateEdgesAreExact() {
    FlakyTool neverFails = FlakyTool.builder().failureRate(0).slowRate(0).seed(3).build();
    FlakyTool alwaysFails = FlakyTool.builder().failureRate(1).slowRate(0).seed(3).build();
    FlakyTool alwaysSlow = FlakyTool.builder().failureRate(0).slowRate(1).seed(3).build();
    for (long i = 0; i < 1_000; i++) {
      assertThat(neverFails.outcomeOf(i).kind()).isEqualTo(Kind.FAST);
      assertThat(alwaysFails.outcomeOf(i).kind()).isEqualTo(Kind.FAILURE);
      assertThat(alwaysSlow.outcomeOf(i).kind()).isEqualTo(Kind.SLOW);
    }
  }

  @Test
  void timeScaleMultipliesLatenciesButKeepsOutcomes() {
    FlakyTool real = FlakyTool.builder().seed(5).build();
    FlakyTool scaled = FlakyTool.builder().seed(5).timeScale(0.001).build();
    for (long i = 0; i < 1_000; i++) {
      Outcome r = real.outcomeOf(i);
      Outcome s = scaled.outcomeOf(i);
      assertThat(s.kind()).isEqualTo(r.kind());
      assertThat(s.latency()).isEqualTo(r.latency());
      assertThat(s.scaledLatency().toNanos())
          .isEqualTo(Math.round(r.latency().toNanos() * 0.001));
    }
  }

  @Test
  void timeScaleAppliesToTheWait() {
    // 100 s scaled by 0.0005 is 50 ms on the tool's clock
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool = FlakyTool.builder().script(Step.succeedAfter(seconds(100))).timeScale(0.0005)
        .timeSource(time).build();
    Call call = Call.start(Threads.PLATFORM, tool);
    time.awaitParkedUntil(Duration.ofMillis(50));
    time.advanceAndAwaitParked(Duration.ofMillis(50).minusNanos(1));
    assertThat(call.result()).isNotDone();
    time.advance(Duration.ofNanos(1));
    assertThat(call.value()).isEqualTo("Data for 'q' from call 0");
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void sameSeedSameOutcomesPerCallIndexWhateverTheInterleaving(Threads threads) throws Exception {
    int callers = 8;
    int callsEach = 250;
    Map<Long, String> first = runConcurrently(threads, seededTool(), callers, callsEach);
    Map<Long, String> second = runConcurrently(threads, seededTool(), callers, callsEach);

    assertThat(second).isEqualTo(first);
    FlakyTool theory = seededTool();
    for (long i = 0; i < callers * callsEach; i++) {
      String expected = theory.outcomeOf(i).kind() == Kind.FAILURE ? "failed" : "succeeded";
      assertThat(first.get(i)).as("call %d", i).isEqualTo(expected);
    }
  }

  private static FlakyTool seededTool() {
    return FlakyTool.builder().seed(2024).timeScale(1e-6).build();
  }

  /** Maps each call index to "succeeded" or "failed"; checks the counters on the way. */
  private static Map<Long, String> runConcurrently(
      Threads threads, FlakyTool tool, int callers, int callsEach) throws Exception {
    Map<Long, String> byIndex = new ConcurrentHashMap<>();
    List<Future<Integer>> failuresPerCaller = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newThreadPerTaskExecutor(threads.factory)) {
      for (int c = 0; c < callers; c++) {
        failuresPerCaller.add(
            pool.submit(
                () -> {
                  go.await();
                  int failed = 0;
                  for (int k = 0; k < callsEach; k++) {
                    try {
                      String data = tool.fetch("q");
                      long index = Long.parseLong(data.substring(data.lastIndexOf(' ') + 1));
                      assertThat(byIndex.put(index, "succeeded")).isNull();
                    } catch (ConnectException e) {
                      failed++;
                    }
                  }
                  return failed;
                }));
      }
      go.countDown();
    }
    int failed = 0;
    for (Future<Integer> f : failuresPerCaller) {
      failed += f.get();
    }
    long total = (long) callers * callsEach;
    for (long i = 0; i < total; i++) {
      byIndex.putIfAbsent(i, "failed");
    }
    assertThat(byIndex).hasSize((int) total);
    long slow = 0;
    for (long i = 0; i < total; i++) {
      slow += tool.outcomeOf(i).kind() == Kind.SLOW ? 1 : 0;
    }
    assertThat(tool.calls()).isEqualTo(total);
    assertThat(tool.failures()).isEqualTo(failed);
    assertThat(tool.succeeded()).isEqualTo(total - failed);
    assertThat(tool.slowCalls()).isEqualTo(slow);
    assertThat(tool.interrupted()).isZero();
    assertThat(tool.inFlight()).isZero();
    return byIndex;
  }

  // ---------------------------------------------------------------- interruption

  @ParameterizedTest
  @EnumSource(Threads.class)
  void interruptingASlowCallEndsItWithInterruptedException(Threads threads) {
    FlakyTool tool =
        FlakyTool.builder().failureRate(0).slowRate(1).slowLatency(LONG, LONG.multipliedBy(2))
            .build();
    Call call = Call.start(threads, tool);
    call.awaitState(Thread.State.TIMED_WAITING);
    assertThat(tool.inFlight()).isOne();

    call.thread().interrupt();

    assertThat(call.failure()).isInstanceOf(InterruptedException.class);
    assertThat(call.flagAtEnd()).succeedsWithin(PATIENCE).isEqualTo(false);
    assertThat(tool.interrupted()).isOne();
    assertThat(tool.slowCalls()).isOne();
    assertThat(tool.succeeded()).isZero();
    assertThat(tool.failures()).isZero();
    assertThat(tool.inFlight()).isZero();
  }

  @Test
  void aFailureIgnoresTheInterruptStatusButAWaitDoesNot() throws Exception {
    FlakyTool tool = FlakyTool.scripted(Step.fail(), Step.succeedAfter(LONG));
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> tool.fetch("q")).isInstanceOf(ConnectException.class);
    assertThat(Thread.currentThread().isInterrupted()).isTrue();

    assertThatThrownBy(() -> tool.fetch("q")).isInstanceOf(InterruptedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(tool.interrupted()).isOne();
    assertThat(tool.failures()).isOne();
  }

  // ---------------------------------------------------------------- scripted steps

  @ParameterizedTest
  @EnumSource(Threads.class)
  void failFailsAtOnceWithTheConnectionMessage(Threads threads) {
    FlakyTool tool = FlakyTool.scripted(Step.fail());
    assertThat(Call.start(threads, tool).failure())
        .isInstanceOf(ConnectException.class)
        .hasMessage("Failed to connect to the external service.")
        .hasMessage(FlakyTool.FAILURE_MESSAGE);
    assertCounters(tool, 1, 1, 0, 0, 0);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void failAfterWaitsOnItsClockThenFails(Threads threads) {
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool = FlakyTool.builder().script(Step.failAfter(Duration.ofMillis(30)))
        .timeSource(time).build();
    Call call = Call.start(threads, tool);
    assertEndsExactlyAt(time, call, Duration.ofMillis(30));
    assertThat(call.failure()).isInstanceOf(ConnectException.class);
    assertCounters(tool, 1, 1, 0, 0, 0);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void succeedAfterWaitsOnItsClockThenReturnsData(Threads threads) {
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool = FlakyTool.builder().script(Step.succeedAfter(Duration.ofMillis(30)))
        .timeSource(time).build();
    Call call = Call.start(threads, tool);
    assertEndsExactlyAt(time, call, Duration.ofMillis(30));
    assertThat(call.value()).isEqualTo("Data for 'q' from call 0");
    assertCounters(tool, 1, 0, 0, 0, 1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void slowAndFastDrawFromTheConfiguredRanges(Threads threads) {
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool =
        FlakyTool.builder()
            .fastLatency(Duration.ofMillis(20), Duration.ofMillis(20))
            .slowLatency(Duration.ofMillis(40), Duration.ofMillis(40))
            .script(Step.fast(), Step.slow())
            .timeSource(time)
            .build();
    Call fast = Call.start(threads, tool);
    assertEndsExactlyAt(time, fast, Duration.ofMillis(20));
    assertThat(fast.value()).endsWith("call 0");
    Call slow = Call.start(threads, tool);
    assertEndsExactlyAt(time, slow, Duration.ofMillis(60));
    assertThat(slow.value()).endsWith("call 1");
    assertCounters(tool, 2, 0, 1, 0, 2);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aLatencyOnAClockThatWrapsAroundEndsOnTime(Threads threads) {
    ManualTimeSource time = new ManualTimeSource(Long.MAX_VALUE - Duration.ofMillis(10).toNanos());
    FlakyTool tool = FlakyTool.builder().script(Step.succeedAfter(Duration.ofMillis(30)))
        .timeSource(time).build();
    Call call = Call.start(threads, tool);
    assertEndsExactlyAt(time, call, Duration.ofMillis(30));
    assertThat(call.value()).isEqualTo("Data for 'q' from call 0");
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void anInterruptEndsALatencyOnAManualClockAtOnce(Threads threads) {
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool = FlakyTool.builder().script(Step.succeedAfter(LONG)).timeSource(time).build();
    Call call = Call.start(threads, tool);
    time.awaitWaiters(1);

    call.thread().interrupt();

    assertThat(call.failure()).isInstanceOf(InterruptedException.class);
    assertThat(call.flagAtEnd()).succeedsWithin(PATIENCE).isEqualTo(false);
    assertThat(time.elapsed()).isZero();
    assertCounters(tool, 1, 0, 0, 1, 0);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void hangBlocksUntilInterrupted(Threads threads) {
    FlakyTool tool = FlakyTool.scripted(Step.hang());
    Call call = Call.start(threads, tool);
    call.awaitState(Thread.State.WAITING);
    assertThat(call.result()).isNotDone();

    call.thread().interrupt();

    assertThat(call.failure()).isInstanceOf(InterruptedException.class);
    assertCounters(tool, 1, 0, 0, 1, 0);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void gatedStepsEndWhenTheGateOpens(Threads threads) throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FlakyTool tool = FlakyTool.scripted(Step.succeedWhen(gate), Step.failWhen(gate));
    Call first = Call.start(threads, tool);
    assertThat(tool.awaitCalls(1, PATIENCE)).isTrue();
    Call second = Call.start(threads, tool);
    assertThat(tool.awaitCalls(2, PATIENCE)).isTrue();
    first.awaitState(Thread.State.WAITING);
    second.awaitState(Thread.State.WAITING);
    assertThat(tool.inFlight()).isEqualTo(2);

    gate.countDown();

    assertThat(first.value()).isEqualTo("Data for 'q' from call 0");
    assertThat(second.failure()).isInstanceOf(ConnectException.class);
    assertCounters(tool, 2, 1, 0, 0, 1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aLatencyIgnoringInterruptsFinishesAndRestoresTheInterruptStatus(Threads threads) {
    ManualTimeSource time = new ManualTimeSource();
    FlakyTool tool = FlakyTool.builder()
        .script(Step.succeedAfter(Duration.ofMillis(200)).ignoringInterrupts()).timeSource(time).build();
    Call call = Call.start(threads, tool);
    time.awaitParkedUntil(Duration.ofMillis(200));

    call.thread().interrupt();
    // The call swallows the interrupt (clearing the flag) and waits on the clock again.
    patiently().until(() -> !call.thread().isInterrupted() && time.waiters() == 1);
    assertThat(call.result()).isNotDone();

    time.advance(Duration.ofMillis(200));

    assertThat(call.value()).isEqualTo("Data for 'q' from call 0");
    assertThat(call.flagAtEnd()).succeedsWithin(PATIENCE).isEqualTo(true);
    assertCounters(tool, 1, 0, 0, 0, 1);
  }

  @ParameterizedTest
  @EnumSource(Threads.class)
  void aGateIgnoringInterruptsWaitsForTheGate(Threads threads) {
    CountDownLatch gate = new CountDownLatch(1);
    FlakyTool tool = FlakyTool.scripted(Step.failWhen(gate).ignoringInterrupts());
    Call call = Call.start(threads, tool);
    call.awaitState(Thread.State.WAITING);

    call.thread().interrupt();
    // The call swallows the interrupt (clearing the flag) and waits again.
    patiently()
        .until(
            () ->
                !call.thread().isInterrupted() && call.thread().getState() == Thread.State.WAITING);
    assertThat(call.result()).isNotDone();

    gate.countDown();

    assertThat(call.failure()).isInstanceOf(ConnectException.class);
    assertThat(call.flagAtEnd()).succeedsWithin(PATIENCE).isEqualTo(true);
    assertCounters(tool, 1, 1, 0, 0, 0);
  }

  @Test
  void callsPastTheScriptRepeatTheLastStep() throws Exception {
    FlakyTool tool = FlakyTool.scripted(Step.fail(), Step.succeedAfter(Duration.ZERO));
    assertThatThrownBy(() -> tool.fetch("a")).isInstanceOf(ConnectException.class);
    assertThat(tool.fetch("b")).isEqualTo("Data for 'b' from call 1");
    assertThat(tool.fetch("c")).isEqualTo("Data for 'c' from call 2");
    assertThat(tool.fetch("d")).isEqualTo("Data for 'd' from call 3");
    assertCounters(tool, 4, 1, 0, 0, 3);
  }

  @Test
  void awaitCallsTimesOutUntilEnoughCallsStart() throws Exception {
    FlakyTool tool = FlakyTool.scripted(Step.fail());
    assertThat(tool.awaitCalls(0, Duration.ZERO)).isTrue();
    assertThat(tool.awaitCalls(1, Duration.ofMillis(10))).isFalse();

    Call.start(Threads.VIRTUAL, tool);

    assertThat(tool.awaitCalls(1, PATIENCE)).isTrue();
  }

  @Test
  void aNullTimeSourceIsRejected() {
    assertThatThrownBy(() -> FlakyTool.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeSource");
  }

  @Test
  void stepsAndToolsDescribeThemselves() {
    assertThat(Step.failAfter(Duration.ofSeconds(2)).ignoringInterrupts())
        .hasToString("failAfter(PT2S).ignoringInterrupts()");
    assertThat(FlakyTool.scripted(Step.fail(), Step.hang()).toString())
        .contains("script=[fail(), hang()]");
    assertThat(FlakyTool.builder().seed(12).build().toString())
        .contains("failureRate=0.2", "slowRate=0.1", "seed=12");
  }

  // ---------------------------------------------------------------- bad settings

  @Test
  void badRatesNameTheSetting() {
    assertIllegal(b -> b.failureRate(1.5), "failureRate must be in [0, 1], was 1.5");
    assertIllegal(b -> b.failureRate(-0.1), "failureRate must be in [0, 1], was -0.1");
    assertIllegal(b -> b.failureRate(Double.NaN), "failureRate must be in [0, 1], was NaN");
    assertIllegal(b -> b.slowRate(2), "slowRate must be in [0, 1], was 2.0");
    assertIllegal(b -> b.slowRate(Double.NaN), "slowRate must be in [0, 1], was NaN");
    assertThatThrownBy(() -> FlakyTool.builder().failureRate(0.7).slowRate(0.4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failureRate + slowRate must be at most 1, was 0.7 + 0.4");
    assertThat(FlakyTool.builder().failureRate(0.7).slowRate(0.3).build()).isNotNull();
  }

  @Test
  void badLatenciesNameTheSetting() {
    Duration one = Duration.ofSeconds(1);
    Duration minus = Duration.ofMillis(-1);
    assertIllegal(
        b -> b.fastLatency(seconds(2), one), "fastLatency min must not exceed max, was PT2S > PT1S");
    assertIllegal(
        b -> b.slowLatency(seconds(2), one), "slowLatency min must not exceed max, was PT2S > PT1S");
    assertIllegal(
        b -> b.fastLatency(minus, one), "fastLatency min must not be negative, was PT-0.001S");
    assertIllegal(
        b -> b.slowLatency(one, minus), "slowLatency max must not be negative, was PT-0.001S");
    assertIllegal(
        b -> b.slowLatency(one, Duration.ofDays(300 * 365L)),
        "slowLatency max must fit in a long of nanoseconds, was PT2628000H");
    assertThatThrownBy(() -> FlakyTool.builder().fastLatency(null, one))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fastLatency min");
    assertThatThrownBy(() -> FlakyTool.builder().slowLatency(one, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("slowLatency max");
  }

  @Test
  void badTimeScalesNameTheSetting() {
    for (double scale :
        new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertIllegal(
          b -> b.timeScale(scale), "timeScale must be positive and finite, was " + scale);
    }
  }

  @Test
  void badStepsAndScriptsAreRejected() {
    assertIllegal(b -> b.script(), "script must have at least one step");
    assertThatThrownBy(() -> FlakyTool.scripted(Step.fail(), null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Step.failAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failAfter latency must not be negative, was PT-1S");
    assertThatThrownBy(() -> Step.succeedAfter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("succeedAfter latency");
    assertThatThrownBy(() -> Step.succeedWhen(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("succeedWhen gate");
    assertThatThrownBy(() -> Step.hang().ignoringInterrupts())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hang()");
  }

  @Test
  void outcomeOfNeedsARandomToolAndACallIndex() {
    assertThatThrownBy(() -> FlakyTool.withDefaults().outcomeOf(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("callIndex must not be negative, was -1");
    assertThatThrownBy(() -> FlakyTool.scripted(Step.fail()).outcomeOf(0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fetchRejectsANullQueryWithoutCountingACall() {
    FlakyTool tool = FlakyTool.scripted(Step.fail());
    assertThatThrownBy(() -> tool.fetch(null)).isInstanceOf(NullPointerException.class);
    assertThat(tool.calls()).isZero();
  }

  // ---------------------------------------------------------------- helpers

  private static void assertIllegal(Consumer<FlakyTool.Builder> setting, String message) {
    assertThatThrownBy(() -> setting.accept(FlakyTool.builder()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  private static void assertCounters(
      FlakyTool tool, long calls, long failures, long slow, long interrupted, long succeeded) {
    patiently().until(() -> tool.inFlight() == 0);
    assertThat(tool.calls()).as("calls").isEqualTo(calls);
    assertThat(tool.failures()).as("failures").isEqualTo(failures);
    assertThat(tool.slowCalls()).as("slowCalls").isEqualTo(slow);
    assertThat(tool.interrupted()).as("interrupted").isEqualTo(interrupted);
    assertThat(tool.succeeded()).as("succeeded").isEqualTo(succeeded);
  }

  /** Checks that {@code call}, parked on {@code time}, is still running 1 ns before {@code end} and ends at it. */
  private static void assertEndsExactlyAt(ManualTimeSource time, Call call, Duration end) {
    time.awaitParkedUntil(end);
    time.advanceAndAwaitParked(end.minus(time.elapsed()).minusNanos(1));
    assertThat(call.result()).as("the call before its end").isNotDone();
    time.advance(Duration.ofNanos(1));
    patiently().until(call.result()::isDone);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  @org.junit.jupiter.api.Test
  void aCallTakesNoLockOfTheKitsEvenWhenThousandsStartTogetherBesideAWaiter() throws Exception {
    // A call that blocked on a lock of the kit's would look parked to a test waiting for the code under
    // test to park. Counted by the flight recorder: every park of a calling thread on a lock, during 6,400
    // calls from 64 platform threads started at once (the recorder sees platform threads' parks) while a
    // test thread waits in awaitCalls.
    FlakyTool tool = FlakyTool.scripted(Step.succeedAfter(Duration.ZERO));
    int threads = 64;
    int perThread = 100;
    int calls = threads * perThread;
    long lockParks;
    java.util.Set<Long> callerIds; // only the callers' parks count: other threads of the JVM may take locks
    try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
      recording.enable("jdk.ThreadPark").withThreshold(Duration.ZERO);
      recording.start();
      Thread waiter = Thread.ofPlatform().start(() -> {
        try {
          tool.awaitCalls(calls, Duration.ofMinutes(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      java.util.List<Thread> callers = new java.util.ArrayList<>();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < threads; i++) {
        callers.add(Thread.ofPlatform().start(() -> {
          try {
            go.await();
            for (int c = 0; c < perThread; c++) {
              tool.fetch("q");
            }
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }));
      }
      go.countDown();
      for (Thread caller : callers) {
        caller.join();
      }
      java.util.Set<Long> ids = new java.util.HashSet<>();
      for (Thread caller : callers) {
        ids.add(caller.threadId());
      }
      callerIds = ids;
      waiter.join();
      recording.stop();
      java.nio.file.Path file = java.nio.file.Files.createTempFile("flaky", ".jfr");
      try {
        recording.dump(file);
        lockParks = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("jdk.ThreadPark"))
            .filter(e -> e.getThread() != null && callerIds.contains(e.getThread().getJavaThreadId()))
            .filter(e -> e.getClass("parkedClass") != null
                && e.getClass("parkedClass").getName().contains("ReentrantLock"))
            .count();
      } finally {
        java.nio.file.Files.deleteIfExists(file);
      }
    }
    assertThat(tool.calls()).isEqualTo(calls);
    assertThat(lockParks).as("parks on a ReentrantLock during the calls").isZero();
  }
}
