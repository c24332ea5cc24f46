package dev.redundant.examples.agent;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.redundant.testing.FlakyTool;
import java.io.IOException;
import java.util.Objects;

/**
 * The notebook's tool as a LangChain4j {@code @Tool}: fetches data for a query from an unreliable external
 * service, played by a {@link FlakyTool}. Thread-safe.
 */
public final class ResearchTools {
  private final FlakyTool service;

  /**
   * Creates the tools.
   *
   * @param service the service the tool calls
   */
  public ResearchTools(FlakyTool service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /**
   * Fetches data for a query.
   *
   * @param query what to look up
   * @return the service's answer
   * @throws IOException if the service fails (20% of calls)
   * @throws InterruptedException if interrupted while waiting for the service
   */
  @Tool("Fetches data about a query from the external service")
  public String fetch(@P(name = "query", value = "what to look up") String query)
      throws IOException, InterruptedException {
    return service.fetch(query);
  }
}
