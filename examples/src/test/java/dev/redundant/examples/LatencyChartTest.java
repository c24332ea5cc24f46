package dev.redundant.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment's {@code --chart FILE} picture, rendered headless. */
class LatencyChartTest {

  @Test
  void writesAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
    Random random = new Random(1);
    long[] fast = random.longs(5000, 50_000_000, 100_000_000).toArray(); // 0.5-1.0 s at scale 0.1
    long[] slow = random.longs(5000, 50_000_000, 700_000_000).toArray();
    Path png = dir.resolve("latency.png");

    new LatencyChart(0.1).add("fast", fast).add("slow", slow).writePng(png, 900, 560);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(560);
  }

  /** The time axis is labelled at 1, 2 and 5 of each decade, not at the decades only. */
  @Test
  void theTimeAxisIsLabelledAtOneTwoAndFivePerDecade() {
    assertThat(LatencyChart.oneTwoFiveTicks(0.1 / 1.05, 10 * 1.05))
        .containsExactly(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0);
    assertThat(LatencyChart.oneTwoFiveTicks(0.15, 40)).containsExactly(0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0);
  }

  /**
   * The experiment's five strategies get colours told apart at a glance: any two differ in
   * hue by 30 degrees or more, or one is black (the vermillion and orange of series 0 and 4 did not).
   */
  @Test
  void theFiveStrategiesColoursDifferInHue() {
    for (int i = 0; i < 5; i++) {
      for (int j = i + 1; j < 5; j++) {
        float[] a = hsb(LatencyChart.seriesColour(i));
        float[] b = hsb(LatencyChart.seriesColour(j));
        boolean achromatic = a[1] < 0.1 || a[2] < 0.1 || b[1] < 0.1 || b[2] < 0.1;
        double hues = Math.abs(a[0] - b[0]) * 360;
        assertThat(achromatic || Math.min(hues, 360 - hues) >= 30)
            .as("series %s and %s: %s vs %s", i, j, LatencyChart.seriesColour(i), LatencyChart.seriesColour(j))
            .isTrue();
      }
    }
  }

  private static float[] hsb(Color c) {
    return Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null);
  }

  @Test
  void rejectsBadInputByName(@TempDir Path dir) {
    assertThatThrownBy(() -> new LatencyChart(0)).hasMessageContaining("timeScale");
    assertThatThrownBy(() -> new LatencyChart(0.1).writePng(dir.resolve("x.png"), 900, 560))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new LatencyChart(0.1).add("a", new long[] {1}).writePng(dir.resolve("x.png"), 10, 10))
        .hasMessageContaining("width");
    assertThatThrownBy(() -> new LatencyChart(0.1).add("a", new long[0])).hasMessageContaining("nanos");
  }
}
