package dev.redundant;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ConditionFactory;

/** How tests wait for something that happens on another thread: generously, polling often. */
final class Patiently {
  /** The longest a test waits for an event that must happen; never a claim about speed. */
  static final Duration PATIENCE = Duration.ofSeconds(30);

  private Patiently() {}

  static ConditionFactory patiently() {
    return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
  }
}
