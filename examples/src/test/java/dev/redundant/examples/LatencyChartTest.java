package dev.redundant.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
