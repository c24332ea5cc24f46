package dev.redundant.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Describing and classifying failures, without threads. */
class FailuresTest {

  @Test
  void aFailureWhoseToStringThrowsIsDescribedByItsClass() {
    RuntimeException unprintable = new RuntimeException() {
      @Override
      public String toString() {
        throw new IllegalStateException("broken");
      }
    };
    assertThat(Failures.describe(unprintable))
        .isEqualTo(unprintable.getClass().getName() + " (its toString() threw java.lang.IllegalStateException)");
    assertThat(Failures.describe(new IOException("down"))).isEqualTo("java.io.IOException: down");
    assertThat(Failures.describe(null)).isEqualTo("null");
  }

  @Test
  void virtualMachineErrorsAndAssertionErrorsEndTheCallOtherFailuresDoNot() {
    assertThat(Failures.endsTheCall(new OutOfMemoryError())).isTrue();
    assertThat(Failures.endsTheCall(new StackOverflowError())).isTrue();
    assertThat(Failures.endsTheCall(new AssertionError("x"))).isTrue();
    assertThat(Failures.endsTheCall(new IOException())).isFalse();
    assertThat(Failures.endsTheCall(new LinkageError())).isFalse();
    assertThat(Failures.endsTheCall(new IllegalStateException())).isFalse();
  }
}
