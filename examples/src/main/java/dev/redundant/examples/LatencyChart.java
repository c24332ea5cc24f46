package dev.redundant.examples;

import dev.redundant.examples.support.LatencySample;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the latency distribution of each strategy as a survival curve with JFreeChart: for each latency
 * {@code t} on a log time axis (0.1 to 10 s of the tool, ticks at 1, 2 and 5 per decade), the fraction of
 * calls slower than {@code t}, on a log axis from 1 down to one call in the sample. The p99 line (1% of
 * calls slower) is marked, labelled on the left, where every curve is still far above it, and each
 * strategy's p99 is in its legend. Works headless ({@code java.awt.headless=true}).
 *
 * <p>Not thread-safe; build one per chart.
 */
final class LatencyChart {
  /** Points drawn per curve at most; the sample is thinned evenly, keeping its last 1% whole. */
  private static final int MAX_POINTS = 4000;
  /** The time axis, in the tool's seconds: two decades around the notebook's 0.5-7 s calls. */
  private static final double MIN_SECONDS = 0.1;
  private static final double MAX_SECONDS = 10;
  /**
   * Series colours, readable on white and for the common colour-vision deficiencies (Okabe-Ito): the first
   * five, one per strategy of the experiment, differ in hue by more than 35 degrees, or are black (the
   * palette's orange, next to its vermillion, comes only after them).
   */
  private static final Color[] PALETTE = {new Color(0xD55E00), new Color(0x0072B2), new Color(0x009E73),
      new Color(0xCC79A7), new Color(0x000000), new Color(0xE69F00), new Color(0x56B4E9)};
  /** The labelled ticks of each decade of the time axis. */
  private static final double[] TICKS_PER_DECADE = {1, 2, 5};

  private final Map<String, LatencySample> samples = new LinkedHashMap<>();
  private final double timeScale;

  /**
   * Starts an empty chart.
   *
   * @param timeScale the scale the latencies were measured at, in (0, 1]; the axis shows latency / scale
   * @throws IllegalArgumentException if {@code timeScale} is out of range
   */
  LatencyChart(double timeScale) {
    if (!(timeScale > 0 && timeScale <= 1)) {
      throw new IllegalArgumentException("timeScale must be in (0, 1], was " + timeScale);
    }
    this.timeScale = timeScale;
  }

  /**
   * Adds a strategy's latencies.
   *
   * @param strategy its name, for the legend
   * @param nanos the latencies of all its calls, failed ones included, in nanoseconds; at least one
   * @return this chart
   * @throws IllegalArgumentException if {@code nanos} is empty
   */
  LatencyChart add(String strategy, long[] nanos) {
    samples.put(Objects.requireNonNull(strategy, "strategy"), new LatencySample(nanos));
    return this;
  }

  /**
   * Writes the chart as a PNG.
   *
   * @param file where to write it
   * @param width in pixels, at least 200
   * @param height in pixels, at least 150
   * @throws IOException if the file cannot be written
   * @throws IllegalStateException if no strategy was added
   * @throws IllegalArgumentException if the size is too small
   */
  void writePng(Path file, int width, int height) throws IOException {
    if (samples.isEmpty()) {
      throw new IllegalStateException("add at least one strategy before writing the chart");
    }
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("width and height must be at least 200 x 150, were " + width + " x "
          + height);
    }
    ChartUtils.saveChartAsPNG(Objects.requireNonNull(file, "file").toFile(), chart(), width, height);
  }

  private JFreeChart chart() {
    XYSeriesCollection curves = new XYSeriesCollection();
    int largest = 1;
    for (Map.Entry<String, LatencySample> entry : samples.entrySet()) {
      LatencySample sample = entry.getValue();
      largest = Math.max(largest, sample.size());
      String name = String.format("%s (p99 %.2f s)", entry.getKey(), seconds(sample.percentileNanos(99)));
      curves.addSeries(survivalCurve(name, sample));
    }

    LogAxis time = new OneTwoFiveAxis("latency, in the tool's seconds (log scale)");
    time.setBase(10);
    time.setNumberFormatOverride(new DecimalFormat("0.###"));
    time.setRange(MIN_SECONDS / 1.05, MAX_SECONDS * 1.05); // a margin, so that both end ticks show
    LogAxis fraction = new LogAxis("fraction of calls slower (log scale)");
    fraction.setBase(10);
    fraction.setTickUnit(new NumberTickUnit(1.0));
    fraction.setNumberFormatOverride(new DecimalFormat("0.####"));
    fraction.setRange(0.5 / largest, 1.0);

    XYStepRenderer renderer = new XYStepRenderer();
    renderer.setDefaultShapesVisible(false);
    for (int i = 0; i < curves.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
    }
    XYPlot plot = new XYPlot(curves, time, fraction, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ValueMarker p99 = new ValueMarker(0.01, Color.DARK_GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
    p99.setLabel("p99: 1% of calls slower");
    p99.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    // on the left, above the line: there every curve is near 1 (the curves cross 1% on the right)
    p99.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    p99.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
    p99.setLabelOffset(new RectangleInsets(2, 6, 2, 6));
    plot.addRangeMarker(p99);

    JFreeChart chart = new JFreeChart("Latency per strategy: survival curve (failed calls included)",
        new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Points (t, fraction of calls slower than or as slow as t), thinned to at most MAX_POINTS. */
  private XYSeries survivalCurve(String name, LatencySample sample) {
    XYSeries series = new XYSeries(name, true, true);
    long[] sorted = sample.sortedNanos();
    int n = sorted.length;
    int tail = Math.max(1, n / 100); // keep every point of the slowest 1%
    int step = Math.max(1, (n - tail) / MAX_POINTS);
    for (int i = 0; i < n; i = i < n - tail ? Math.min(i + step, n - tail) : i + 1) {
      // a call that failed at once sits on the left edge; one past the right edge on it
      double t = Math.clamp(seconds(sorted[i]), MIN_SECONDS, MAX_SECONDS);
      series.addOrUpdate(t, (double) (n - i) / n);
    }
    return series;
  }

  private double seconds(long nanos) {
    return nanos / 1e9 / timeScale;
  }

  /** The colour of series {@code index}, for tests. */
  static Color seriesColour(int index) {
    return PALETTE[index % PALETTE.length];
  }

  /** The values {@code m x 10^k} ({@code m} in 1, 2, 5) from {@code lower} to {@code upper}, ascending. */
  static List<Double> oneTwoFiveTicks(double lower, double upper) {
    List<Double> ticks = new ArrayList<>();
    for (int k = (int) Math.floor(Math.log10(lower)); k <= (int) Math.ceil(Math.log10(upper)); k++) {
      for (double m : TICKS_PER_DECADE) {
        // m * 10^k as a decimal, so that 0.1 and 0.2 are exact and their labels short
        double value = new BigDecimal(Double.toString(m)).scaleByPowerOfTen(k).doubleValue();
        if (value >= lower && value <= upper) {
          ticks.add(value);
        }
      }
    }
    return ticks;
  }

  /**
   * A horizontal log axis labelled at 1, 2 and 5 of each decade: LogAxis labels whole decades only (or,
   * by default, every tenth of a decade, 10^(k/10), which no one reads).
   */
  private static final class OneTwoFiveAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    OneTwoFiveAxis(String label) {
      super(label);
    }

    @Override
    @SuppressWarnings("rawtypes") // LogAxis's signature
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
      TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
      List<ValueTick> ticks = new ArrayList<>();
      for (double value : oneTwoFiveTicks(getLowerBound(), getUpperBound())) {
        ticks.add(new NumberTick(TickType.MAJOR, value, getNumberFormatOverride().format(value), anchor,
            anchor, 0.0));
      }
      return ticks;
    }
  }
}
