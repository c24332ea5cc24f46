package dev.redundant.examples.agent;

/** The agent, as a LangChain4j AI service: asked a question, it calls its tool and answers. */
public interface ResearchAgent {
  /**
   * Answers a question.
   *
   * @param question the question
   * @return the answer
   */
  String answer(String question);
}
