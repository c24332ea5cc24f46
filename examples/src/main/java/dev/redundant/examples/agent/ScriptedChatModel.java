package dev.redundant.examples.agent;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;

/**
 * A chat model that runs offline and plays the notebook's agent: asked a question, it requests one call
 * of the first tool it is offered, with the question as the tool's only argument; given the tool's
 * result, it answers {@code "ANSWER: <result>"}, or {@code "FAILED: <error>"} if the tool failed.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScriptedChatModel implements ChatModel {
  /** Prefix of an answer built on the tool's result. */
  public static final String ANSWER = "ANSWER: ";
  /** Prefix of an answer after the tool failed. */
  public static final String FAILED = "FAILED: ";

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.getLast();
    AiMessage reply;
    if (last instanceof ToolExecutionResultMessage result) {
      reply = AiMessage.from((Boolean.TRUE.equals(result.isError()) ? FAILED : ANSWER) + result.text());
    } else if (last instanceof UserMessage user && !request.toolSpecifications().isEmpty()) {
      ToolSpecification tool = request.toolSpecifications().getFirst();
      String argument = tool.parameters().properties().keySet().iterator().next();
      reply = AiMessage.from(ToolExecutionRequest.builder()
          .id("call-1")
          .name(tool.name())
          .arguments("{\"" + argument + "\": \"" + jsonEscape(user.singleText()) + "\"}")
          .build());
    } else {
      reply = AiMessage.from(FAILED + "no tool to call");
    }
    return ChatResponse.builder().aiMessage(reply).build();
  }

  private static String jsonEscape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
