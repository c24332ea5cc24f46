package dev.redundant.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redundant.examples.Frontier.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixed-delay frontier: the undominated points, joined by straight lines, flat below the cheapest. */
class FrontierTest {
  private final Frontier frontier = new Frontier(List.of(
      new Point(1.20, 45), // read in any order
      new Point(1.12, 65),
      new Point(1.13, 67), // dominated: more attempts and a higher p99 than the point before
      new Point(1.16, 55),
      new Point(Double.NaN, 1)));

  @Test
  void keepsThePointsNoCheaperPointBeatsInOrderOfLoad() {
    assertThat(frontier.points()).containsExactly(new Point(1.12, 65), new Point(1.16, 55), new Point(1.20, 45));
    assertThat(frontier.cheapestLoad()).isEqualTo(1.12);
  }

  @Test
  void interpolatesBetweenPointsAndIsFlatBelowTheCheapestAndUndefinedAboveTheDearest() {
    assertThat(frontier.p99At(1.14)).isCloseTo(60, within(1e-9));
    assertThat(frontier.p99At(1.16)).isCloseTo(55, within(1e-9));
    assertThat(frontier.p99At(1.20)).isCloseTo(45, within(1e-9));
    assertThat(frontier.p99At(1.10)).as("fewer attempts than any fixed delay makes").isEqualTo(65);
    assertThat(frontier.p99At(1.21)).isNaN();
    assertThat(new Frontier(List.of()).p99At(1.0)).isNaN();
    assertThat(new Frontier(List.of()).cheapestLoad()).isNaN();
  }
}
