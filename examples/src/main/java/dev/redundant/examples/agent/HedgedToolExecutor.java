package dev.redundant.examples.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolService;
import dev.redundant.Hedge;
import java.io.Serial;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * A LangChain4j {@link ToolExecutor} decorator that runs every execution of a tool through a
 * {@link Hedge} policy: redundant ({@code delay(Duration.ZERO)}: all attempts at once) or hedged. Each
 * attempt calls the wrapped executor; the first successful result goes back to the model, the other
 * attempts are interrupted.
 *
 * <p>An attempt fails when the wrapped executor throws, or returns a result marked as an error
 * ({@link ToolExecutionResult#isError()}), so the policy starts the next attempt at once. When every
 * attempt fails, the policy's {@link dev.redundant.AllAttemptsFailedException} propagates and LangChain4j
 * turns it into an error result for the model, as it does for any tool failure.
 *
 * <p><b>Threads and interruption:</b> thread-safe if the wrapped executor is; attempts run where the
 * policy says (a virtual thread each by default). If the thread running the tool is interrupted, every
 * attempt is interrupted, the thread's interrupt status is set again and a {@link CancellationException}
 * is thrown.
 */
public final class HedgedToolExecutor implements ToolExecutor {
  private final ToolExecutor delegate;
  private final Hedge<ToolExecutionResult> policy;

  /**
   * Wraps one tool's executor.
   *
   * @param delegate the executor that runs the tool once
   * @param policy how to run attempts
   * @throws NullPointerException if an argument is null
   */
  public HedgedToolExecutor(ToolExecutor delegate, Hedge<ToolExecutionResult> policy) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /**
   * Finds the {@code @Tool} methods of {@code toolsObject} and wraps each one's executor with the policy:
   * pass the result to {@code AiServices.builder(...).tools(List)}.
   *
   * @param toolsObject an object with {@code @Tool} methods
   * @param policy how to run each tool execution
   * @return the decorated tools
   * @throws NullPointerException if an argument is null
   */
  public static List<AiServiceTool> decorate(Object toolsObject, Hedge<ToolExecutionResult> policy) {
    Objects.requireNonNull(toolsObject, "toolsObject");
    Objects.requireNonNull(policy, "policy");
    return ToolService.findTools(toolsObject).stream()
        .map(tool -> tool.toBuilder().toolExecutor(new HedgedToolExecutor(tool.toolExecutor(), policy)).build())
        .toList();
  }

  @Override
  public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
    return run(() -> delegate.executeWithContext(request, context));
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    return run(() -> ToolExecutionResult.builder().resultText(delegate.execute(request, memoryId)).build())
        .resultText();
  }

  private interface Execution {
    ToolExecutionResult execute();
  }

  private ToolExecutionResult run(Execution execution) {
    try {
      return policy.call(() -> {
        ToolExecutionResult result = execution.execute();
        if (result.isError()) {
          throw new ToolErrorResultException(result.resultText());
        }
        return result;
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // keep the caller's interrupt visible to LangChain4j and above
      throw new CancellationException("interrupted while the tool ran; every attempt was interrupted");
    }
  }

  /** An attempt whose executor returned a result marked as an error. */
  static final class ToolErrorResultException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    ToolErrorResultException(String resultText) {
      super(resultText);
    }
  }
}
