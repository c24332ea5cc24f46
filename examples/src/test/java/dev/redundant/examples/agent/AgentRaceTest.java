package dev.redundant.examples.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Hedge;
import dev.redundant.testing.FlakyTool;
import dev.redundant.testing.FlakyTool.Step;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The notebook's agent in LangChain4j, offline, with its tool made redundant or hedged. */
class AgentRaceTest {
  private static final double TIME_SCALE = 0.01;
  private static final Hedge<ToolExecutionResult> FAILOVER_ONLY =
      Hedge.<ToolExecutionResult>builder().maxAttempts(3).delay(Duration.ofMinutes(1)).build();

  @Test
  void theNotebooksTableAtScale() throws Exception {
    List<AgentRace.Way> ways = AgentRace.ways(TIME_SCALE);
    AgentRace.Result single = AgentRace.run(ways.get(0), 400, 50, TIME_SCALE, 11);
    AgentRace.Result redundant = AgentRace.run(ways.get(1), 400, 50, TIME_SCALE, 11);
    AgentRace.Result hedged = AgentRace.run(ways.get(2), 400, 50, TIME_SCALE, 11);

    // in theory 80%, 96% and 99.97%; the bounds are 6 standard deviations wide at 400 runs
    assertThat(single.success()).isBetween(0.68, 0.92);
    assertThat(single.toolCalls()).isEqualTo(400);
    assertThat(redundant.success()).isBetween(0.90, 1.0);
    assertThat(redundant.toolCalls()).isBetween(401L, 800L);
    assertThat(hedged.success()).isGreaterThanOrEqualTo(0.99);
    assertThat(hedged.toolCalls()).isBetween(401L, 2000L);
  }

  @Test
  void aFailedToolCallIsRetriedAtOnceAndTheAgentAnswersFromTheNextAttempt() {
    FlakyTool service = FlakyTool.scripted(Step.fail(), Step.fast());
    ResearchAgent agent = agent(service, FAILOVER_ONLY);

    String answer = agent.answer("weather?");

    assertThat(answer).startsWith(ScriptedChatModel.ANSWER);
    assertThat(service.calls()).isEqualTo(2);
    assertThat(service.failures()).isEqualTo(1);
  }

  @Test
  void whenEveryAttemptFailsTheModelGetsAnErrorResult() {
    FlakyTool service = FlakyTool.scripted(Step.fail(), Step.fail(), Step.fail());
    ResearchAgent agent = agent(service, FAILOVER_ONLY);

    String answer = agent.answer("weather?");

    assertThat(answer).startsWith(ScriptedChatModel.FAILED).contains(FlakyTool.FAILURE_MESSAGE);
    assertThat(service.calls()).isEqualTo(3);
  }

  @Test
  void anErrorResultCountsAsAFailedAttempt() {
    AtomicInteger executions = new AtomicInteger();
    HedgedToolExecutor erringOnce = new HedgedToolExecutor(new ToolExecutor() {
      @Override
      public String execute(ToolExecutionRequest request, Object memoryId) {
        throw new AssertionError("executeWithContext is the path under test");
      }

      @Override
      public ToolExecutionResult executeWithContext(ToolExecutionRequest request,
          InvocationContext context) {
        boolean first = executions.getAndIncrement() == 0;
        return ToolExecutionResult.builder().isError(first).resultText(first ? "error" : "fine").build();
      }
    }, FAILOVER_ONLY);

    ToolExecutionResult result = erringOnce.executeWithContext(request(), null);

    assertThat(result.isError()).isFalse();
    assertThat(result.resultText()).isEqualTo("fine");
    assertThat(executions).hasValue(2);
  }

  @Test
  void thePlainExecutePathReturnsTheWinnersText() {
    AtomicInteger executions = new AtomicInteger();
    HedgedToolExecutor executor = new HedgedToolExecutor((request, memoryId) -> {
      if (executions.getAndIncrement() == 0) {
        throw new IllegalStateException("first attempt fails");
      }
      return "from attempt " + executions.get();
    }, FAILOVER_ONLY);

    assertThat(executor.execute(request(), null)).isEqualTo("from attempt 2");
  }

  @Test
  void aToolThatAlwaysErrsEndsInAllAttemptsFailed() {
    HedgedToolExecutor executor = new HedgedToolExecutor((request, memoryId) -> {
      throw new IllegalStateException("down");
    }, FAILOVER_ONLY);

    assertThatThrownBy(() -> executor.execute(request(), null))
        .isInstanceOfSatisfying(AllAttemptsFailedException.class, e -> assertThat(e.failures()).hasSize(3));
  }

  @ParameterizedTest(name = "virtual caller: {0}")
  @ValueSource(booleans = {false, true})
  void interruptingTheAgentsThreadInterruptsTheToolAndKeepsTheFlag(boolean virtualCaller) throws Exception {
    FlakyTool service = FlakyTool.scripted(Step.hang());
    ToolExecutor executor =
        HedgedToolExecutor.decorate(new ResearchTools(service), FAILOVER_ONLY).getFirst().toolExecutor();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Runnable body = () -> {
      try {
        executor.execute(request(), null);
        thrown.complete(null);
      } catch (Throwable t) {
        flagAfter.set(Thread.currentThread().isInterrupted());
        thrown.complete(t);
      }
    };
    Thread caller = virtualCaller ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
    assertThat(service.awaitCalls(1, Duration.ofSeconds(10))).isTrue();

    caller.interrupt();
    caller.join();

    assertThat(thrown.join()).isInstanceOf(CancellationException.class);
    assertThat(flagAfter).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> service.interrupted() == 1 && service.inFlight() == 0);
  }

  private static ResearchAgent agent(FlakyTool service, Hedge<ToolExecutionResult> policy) {
    return AiServices.builder(ResearchAgent.class)
        .chatModel(new ScriptedChatModel())
        .tools(HedgedToolExecutor.decorate(new ResearchTools(service), policy))
        .toolExecutionErrorHandler((error, context) ->
            ToolErrorHandlerResult.text(String.valueOf(error.getMessage())))
        .build();
  }

  private static ToolExecutionRequest request() {
    return ToolExecutionRequest.builder().id("1").name("fetch").arguments("{\"query\": \"weather\"}").build();
  }
}
