package dev.redundant.examples.agent;

import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.redundant.Hedge;
import dev.redundant.examples.support.ConcurrentCalls;
import dev.redundant.examples.support.LatencySample;
import dev.redundant.examples.support.LoadOptions;
import dev.redundant.testing.FlakyTool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seed notebook's agent in LangChain4j, offline: an AI service ({@link ResearchAgent}) whose scripted
 * chat model ({@link ScriptedChatModel}) asks for one call of a {@code @Tool} ({@link ResearchTools}) that
 * calls the notebook's flaky service, then answers. The tool's execution runs three ways: once, redundant
 * (2 attempts at once, as the notebook races 2 copies) and hedged (max 5 attempts, a hedge after 1 s, the
 * next attempt at once on a failure), through {@link HedgedToolExecutor}. Prints success and latency over
 * many agent runs per way, in the tool's seconds.
 *
 * <pre>
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.agent.AgentRace
 * mvn -q -Pexperiment compile exec:java -Dexec.mainClass=dev.redundant.examples.agent.AgentRace \
 *     -Dexec.args="--runs 20000 --concurrency 200 --seed 42"
 * </pre>
 */
public final class AgentRace {
  private AgentRace() {}

  /**
   * One way to run the tool.
   *
   * @param name its name in the table
   * @param policy the policy wrapped around the tool's executor, or null to run it once, undecorated
   * @param maxAttempts attempts a run can make, for the theoretical success {@code 1 - 0.2^n}
   */
  record Way(String name, Hedge<ToolExecutionResult> policy, int maxAttempts) {}

  /**
   * What the runs of one way measured.
   *
   * @param way the way
   * @param runs agent runs
   * @param answered runs whose answer rests on a tool result
   * @param latency each run's latency, failed runs included
   * @param toolCalls calls the service received
   */
  record Result(Way way, int runs, int answered, LatencySample latency, long toolCalls) {
    double success() {
      return (double) answered / runs;
    }
  }

  /**
   * The three ways, with the tool's time scaled.
   *
   * @param timeScale the tool's time scale, in (0, 1]
   * @return single, redundant (2 at once), hedged (max 5, delay 1 s)
   */
  static List<Way> ways(double timeScale) {
    return List.of(
        new Way("single tool call", null, 1),
        new Way("redundant: 2 at once (notebook)",
            Hedge.<ToolExecutionResult>builder().maxAttempts(2).delay(Duration.ZERO).build(), 2),
        new Way("hedged: max 5, delay 1.0 s", Hedge.<ToolExecutionResult>builder().maxAttempts(5)
            .delay(Duration.ofNanos(Math.round(1e9 * timeScale))).build(), 5));
  }

  /**
   * Builds the agent for one way, on its own service, and runs it {@code runs} times.
   *
   * @throws InterruptedException if interrupted
   */
  static Result run(Way way, int runs, int concurrency, double timeScale, long seed)
      throws InterruptedException {
    FlakyTool service = FlakyTool.builder().seed(seed).timeScale(timeScale).build();
    ResearchTools tools = new ResearchTools(service);
    AiServices<ResearchAgent> builder = AiServices.builder(ResearchAgent.class)
        .chatModel(new ScriptedChatModel())
        // a failed tool goes back to the model as an error result (quietly: no warning with a stack trace)
        .toolExecutionErrorHandler((error, context) -> ToolErrorHandlerResult.text(String.valueOf(error.getMessage())));
    ResearchAgent agent = (way.policy() == null
        ? builder.tools(tools)
        : builder.tools(HedgedToolExecutor.decorate(tools, way.policy()))).build();
    long[] latency = new long[runs];
    AtomicInteger answered = new AtomicInteger();
    ConcurrentCalls.run(runs, concurrency, i -> {
      long start = System.nanoTime();
      String answer = agent.answer("What is the weather in Lisbon?");
      latency[i] = System.nanoTime() - start;
      if (answer.startsWith(ScriptedChatModel.ANSWER)) {
        answered.incrementAndGet();
      }
    });
    return new Result(way, runs, answered.get(), new LatencySample(latency), service.calls());
  }

  /**
   * Runs the comparison.
   *
   * @param args {@code --runs N} (default 5000), {@code --time-scale X} (default 0.1),
   *     {@code --concurrency C} (default 100), {@code --seed S} (default 42)
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    LoadOptions options = LoadOptions.parse(args, "--runs", 5000, 0.1, 100);
    System.err.printf("%d agent runs per way, %d at a time, time scale %s, seed %d%n", options.count(),
        options.concurrency(), options.timeScale(), options.seed());
    System.out.println("| tool execution | success | in theory | p50 | p90 | p99 | tool calls/run |");
    System.out.println("|:--|--:|--:|--:|--:|--:|--:|");
    for (Way way : ways(options.timeScale())) {
      // warm-up
      run(way, Math.min(options.count(), 500), options.concurrency(), options.timeScale(), options.seed());
      Result r = run(way, options.count(), options.concurrency(), options.timeScale(), options.seed());
      System.out.printf("| %s | %.2f%% | %.2f%% | %.2f s | %.2f s | %.2f s | %.2f |%n", way.name(),
          100 * r.success(), 100 * (1 - Math.pow(0.2, way.maxAttempts())),
          options.toolSeconds(r.latency().percentileNanos(50)),
          options.toolSeconds(r.latency().percentileNanos(90)),
          options.toolSeconds(r.latency().percentileNanos(99)), (double) r.toolCalls() / options.count());
    }
    System.out.println("Latencies in the tool's seconds (measured / time scale), failed runs included.");
  }
}
