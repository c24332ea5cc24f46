package dev.redundant.examples;

import dev.redundant.AllAttemptsFailedException;
import dev.redundant.Redundant;
import dev.redundant.testing.FlakyTool;

/** The quick start: race two attempts at a flaky service and print what came back. */
public final class QuickStart {
  public static void main(String[] args) throws InterruptedException {
    FlakyTool tool = FlakyTool.builder().timeScale(0.01).build(); // latencies in tens of milliseconds
    for (int i = 0; i < 5; i++) {
      String query = "user-profile-" + i;
      try {
        String data = Redundant.firstSuccess(2, () -> tool.fetch(query));
        System.out.println("ok:     " + data);
      } catch (AllAttemptsFailedException e) {
        System.out.println("failed: " + e.failures());
      }
    }
  }
}
