package dev.redundant.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeededDrawsTest {

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 42, -7, Long.MAX_VALUE, Long.MIN_VALUE})
  void unitDrawsArePositionsOfTheSplittableRandomSequenceOfTheSeed(long seed) {
    SplittableRandom reference = new SplittableRandom(seed);
    for (long call = 0; call < 1000; call++) {
      assertThat(SeededDraws.unit(seed, call, 1)).as("call %s, roll", call).isEqualTo(reference.nextDouble());
      assertThat(SeededDraws.unit(seed, call, 2)).as("call %s, latency", call).isEqualTo(reference.nextDouble());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 42, -7})
  void aCallsGeneratorDependsOnlyOnTheSeedAndTheIndex(long seed) {
    long first = SeededDraws.forCall(seed, 3).nextLong();
    assertThat(SeededDraws.forCall(seed, 3).nextLong()).isEqualTo(first);
    assertThat(SeededDraws.forCall(seed, 4).nextLong()).isNotEqualTo(first);
    long index = 3; // a variable: the product wraps around, as it does for the generator (not a constant)
    assertThat(SeededDraws.forCall(seed, index).nextLong())
        .isEqualTo(new SplittableRandom(seed ^ (index * 0x9e3779b97f4a7c15L)).nextLong());
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 0.25, 0.999})
  void betweenIsTheFractionOfTheWayFromMinToMax(double fraction) {
    assertThat(SeededDraws.between(100, 200, fraction)).isEqualTo(100 + (long) (fraction * 100));
  }
}
