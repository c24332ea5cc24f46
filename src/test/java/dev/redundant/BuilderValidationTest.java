package dev.redundant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redundant.testing.ManualTimeSource;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every builder setting checks its argument and names it; build() copies the settings. */
class BuilderValidationTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Hedge.MAX_ATTEMPTS + 1, Integer.MAX_VALUE})
  void maxAttemptsOutOfBounds(int n) {
    assertThatThrownBy(() -> Hedge.builder().maxAttempts(n))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts")
        .hasMessageContaining(String.valueOf(Hedge.MAX_ATTEMPTS))
        .hasMessageContaining(String.valueOf(n));
  }

  @Test
  void maxAttemptsBoundsAreAccepted() {
    assertThat(Hedge.builder().maxAttempts(1).build()).hasToString("Hedge[maxAttempts=1]");
    assertThat(Hedge.builder().maxAttempts(Hedge.MAX_ATTEMPTS).build().toString())
        .startsWith("Hedge[maxAttempts=" + Hedge.MAX_ATTEMPTS);
  }

  @Test
  void delay() {
    assertThatThrownBy(() -> Hedge.builder().delay(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> Hedge.builder().delay((Duration) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> Hedge.builder().delay((IntFunction<Duration>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("delay");
    assertThat(Hedge.builder().delay(Duration.ZERO).build()).isNotNull();
  }

  @Test
  void aNegativeOrNullPerAttemptDelayIsNamedByItsIndex() {
    HedgeBuilder<Object> negative = Hedge.builder().maxAttempts(4)
        .delay(i -> i == 2 ? Duration.ofMillis(-5) : Duration.ofMillis(1));
    assertThatThrownBy(negative::build)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay(2)");
    HedgeBuilder<Object> nothing = Hedge.builder().maxAttempts(4).delay(i -> i == 3 ? null : Duration.ZERO);
    assertThatThrownBy(nothing::build)
        .isInstanceOf(NullPointerException.class).hasMessageContaining("delay(3)");
  }

  @Test
  void thePerAttemptDelayFunctionIsCalledOncePerHedgeIndexByBuild() {
    AtomicInteger calls = new AtomicInteger();
    HedgeBuilder<Object> builder = Hedge.builder().maxAttempts(4).delay(i -> {
      calls.incrementAndGet();
      assertThat(i).isBetween(1, 3);
      return Duration.ofMillis(i);
    });
    assertThat(calls).hasValue(0);
    builder.build();
    assertThat(calls).hasValue(3);
  }

  @Test
  void timeout() {
    assertThatThrownBy(() -> Hedge.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> Hedge.builder().timeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThat(Hedge.builder().timeout(null).build()).isNotNull();
  }

  @Test
  void attemptTimeout() {
    assertThatThrownBy(() -> Hedge.builder().attemptTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attemptTimeout");
    assertThatThrownBy(() -> Hedge.builder().attemptTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attemptTimeout");
    assertThat(Hedge.builder().attemptTimeout(null).build()).isNotNull();
  }

  /**
   * The settings whose Javadoc says "null for none" take {@code @Nullable} parameters, so a
   * user's NullAway accepts the calls below (the tests compile without NullAway; the library's compile
   * checks the annotations against the code), and null means none: it clears what was set before.
   */
  @Test
  void nullMeansNoneForEverySettingThatSaysSo() throws Exception {
    List<Object> disposed = new CopyOnWriteArrayList<>();
    List<String> events = new CopyOnWriteArrayList<>();
    HedgeBuilder<Object> builder = Hedge.builder().maxAttempts(2).delay(Duration.ZERO)
        .timeout(Duration.ofHours(1)).attemptTimeout(Duration.ofMinutes(1))
        .onDiscard(disposed::add)
        .listener(new HedgeListener() {
          @Override
          public void onAttemptStarted(Attempt attempt) {
            events.add("started " + attempt.index());
          }
        })
        .adaptiveDelay(AdaptiveDelay.targetExtraLoad(0.05))
        .budget(HedgeBudget.builder().build());

    Hedge<Resource> hedge = builder.timeout(null).attemptTimeout(null).onDiscard(null).listener(null)
        .adaptiveDelay(null).budget(null).build();

    assertThat(hedge).hasToString("Hedge[maxAttempts=2, delay=PT0S]");
    // onDiscard(null): a loser is closed, the default; listener(null): no event reaches the old listener
    CountDownLatch winnerReturned = new CountDownLatch(1);
    Resource winner = new Resource("winner");
    Resource loser = new Resource("loser");
    ScriptedTask<Resource> task = new ScriptedTask<Resource>()
        .on(0, entry -> {
          entry.task().awaitStarted(2); // both attempts run: the delay is zero
          return winner;
        })
        .on(1, ScriptedTask.stubborn(winnerReturned, ScriptedTask.value(loser))); // returns after the call
    Resource value = hedge.call(task);
    winnerReturned.countDown();
    assertThat(value).isSameAs(winner);
    assertThat(loser.closed.await(30, TimeUnit.SECONDS)).as("the loser is closed").isTrue();
    assertThat(winner.closed.getCount()).isOne();
    assertThat(disposed).isEmpty();
    assertThat(events).isEmpty();
    // timeout(null): no timeout left for a delay to contradict
    assertThat(Hedge.builder().timeout(Duration.ofMillis(1)).timeout(null).delay(Duration.ofDays(1)).build())
        .hasToString("Hedge[maxAttempts=3, delay=PT24H]");
  }

  /**
   * What a user's NullAway reads. The settings whose Javadoc says "null for none" carry
   * JSpecify's {@code @Nullable} on their parameter (runtime-retained), so {@code timeout(null)} compiles.
   */
  @ParameterizedTest
  @ValueSource(strings = {"timeout", "attemptTimeout", "onDiscard", "listener", "adaptiveDelay", "budget"})
  void aSettingThatTakesNullForNoneSaysNullable(String setting) {
    List<Method> methods = Arrays.stream(HedgeBuilder.class.getMethods())
        .filter(m -> m.getName().equals(setting)).toList();
    assertThat(methods).singleElement()
        .satisfies(m -> assertThat(m.getAnnotatedParameterTypes()[0].isAnnotationPresent(Nullable.class))
            .as("%s's parameter is @Nullable", setting).isTrue());
  }

  /** An AutoCloseable value that says when it was closed. */
  record Resource(String name, CountDownLatch closed) implements AutoCloseable {
    Resource(String name) {
      this(name, new CountDownLatch(1));
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> Hedge.builder().fatalIf(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("fatalIf");
    assertThatThrownBy(() -> Hedge.<String>builder().rejectIf((Predicate<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("rejectIf");
    assertThatThrownBy(() -> Hedge.builder().executor((Executor) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
    assertThatThrownBy(() -> Hedge.builder().threadFactory((ThreadFactory) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("threadFactory");
    assertThatThrownBy(() -> Hedge.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("timeSource");
    assertThat(Hedge.builder().listener(null).build()).isNotNull();
  }

  @Test
  void aNullTaskIsRejectedAndStartsNothing() {
    AtomicInteger executed = new AtomicInteger();
    AtomicInteger heard = new AtomicInteger();
    Hedge<String> hedge = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO)
        .executor(r -> {
          executed.incrementAndGet();
          Thread.startVirtualThread(r);
        })
        .listener(new HedgeListener() {
          @Override
          public void onAttemptStarted(Attempt attempt) {
            heard.incrementAndGet();
          }
        }).build();
    assertThatThrownBy(() -> hedge.call((AttemptTask<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
    assertThatThrownBy(() -> hedge.call((Callable<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
    assertThatThrownBy(() -> hedge.callAsync((AttemptTask<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
    assertThatThrownBy(() -> hedge.callAsync((Callable<String>) null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("task");
    assertThat(executed).hasValue(0);
    assertThat(heard).hasValue(0);
  }

  @Test
  void aRejectedSettingLeavesTheBuilderAsItWas() throws Exception {
    HedgeBuilder<String> builder = Hedge.<String>builder().maxAttempts(2).delay(Duration.ZERO);
    assertThatThrownBy(() -> builder.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.delay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    AtomicInteger calls = new AtomicInteger();
    Hedge<String> hedge = builder.build();
    assertThat(hedge).hasToString("Hedge[maxAttempts=2, delay=PT0S]");
    RedundantAsyncTest.unwrap(hedge.callAsync(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException();
    }));
    assertThat(calls).hasValue(2);
  }

  @Test
  void buildCopiesTheSettings() throws Exception {
    AtomicInteger executedByFirst = new AtomicInteger();
    AtomicInteger delayCalls = new AtomicInteger();
    HedgeBuilder<String> builder = Hedge.<String>builder().maxAttempts(2)
        .delay(i -> {
          delayCalls.incrementAndGet();
          return Duration.ZERO;
        })
        .rejectIf("bad"::equals)
        .executor(r -> {
          executedByFirst.incrementAndGet();
          Thread.startVirtualThread(r);
        });
    Hedge<String> first = builder.build();
    String description = first.toString();

    // change every setting after build()
    builder.maxAttempts(5).delay(Duration.ofMillis(1)).rejectIf(v -> false).fatalIf(e -> true)
        .timeout(Duration.ofHours(1)).attemptTimeout(Duration.ofMinutes(1)).waitForLosers(true)
        .timeSource(new ManualTimeSource()).threadFactory(Thread.ofPlatform().factory()).copyMdc(false)
        .listener(new HedgeListener() {});
    Hedge<String> second = builder.build();

    assertThat(first).hasToString(description);
    assertThat(second.toString()).isNotEqualTo(description);
    AtomicInteger calls = new AtomicInteger();
    // first: 2 attempts at once, "bad" rejected, failures not fatal, no timeout, its own executor
    AllAttemptsFailedException all = RedundantAsyncTest.unwrap(first.callAsync(attempt -> {
      calls.incrementAndGet();
      if (attempt.index() == 0) {
        return "bad";
      }
      throw new IllegalStateException("not fatal");
    }));
    assertThat(all).isExactlyInstanceOf(AllAttemptsFailedException.class);
    assertThat(all.attempts()).extracting(AttemptReport::outcome)
        .containsExactly(AttemptReport.Outcome.REJECTED, AttemptReport.Outcome.FAILED);
    assertThat(calls).hasValue(2);
    assertThat(executedByFirst).hasValue(2);
    assertThat(delayCalls).hasValue(1);
  }

  @Test
  void toStringDescribesTheSettings() {
    assertThat(Hedge.builder().build()).hasToString("Hedge[maxAttempts=3, delay=PT1S]");
    assertThat(Hedge.builder().maxAttempts(2).delay(i -> Duration.ZERO).timeout(Duration.ofSeconds(2))
        .attemptTimeout(Duration.ofSeconds(1)).rejectIf(v -> false).waitForLosers(true).build())
        .hasToString("Hedge[maxAttempts=2, delay=per attempt, timeout=PT2S, attemptTimeout=PT1S, rejectIf, "
            + "waitForLosers]");
  }
}
