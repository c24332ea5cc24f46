package dev.redundant.examples.metrics;

import dev.redundant.examples.metrics.MetricsExample.Round;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws, per round of {@link MetricsExample}, what a dashboard of hedging shows with JFreeChart: on top the
 * share of calls a hedge won; below, how long the first attempt had been running when a hedge won (the
 * mean over the round), next to the first attempts' median and the hedge delay. Headless.
 *
 * <p>How to read it: a hedge win whose first attempt had been running far longer than the median rescued a
 * call from the tail; without the hedge that call would have waited at least that long.
 */
final class HedgeWinChart {
  /** Okabe-Ito colours, one per series across both plots. */
  private static final Color[] PALETTE = {new Color(0xD55E00), new Color(0x0072B2), new Color(0x009E73),
      new Color(0xCC79A7)};

  private HedgeWinChart() {}

  /**
   * Writes the chart as a PNG.
   *
   * @param rounds the rounds, at least one
   * @param file where to write it
   * @param width in pixels, at least 200
   * @param height in pixels, at least 150
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if there are no rounds or the size is too small
   */
  static void write(List<Round> rounds, Path file, int width, int height) throws IOException {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("no rounds to draw");
    }
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("width and height must be at least 200 x 150, were " + width + " x "
          + height);
    }
    ChartUtils.saveChartAsPNG(Objects.requireNonNull(file, "file").toFile(), chart(rounds), width, height);
  }

  private static JFreeChart chart(List<Round> rounds) {
    XYSeries share = new XYSeries("calls won by a hedge (%)");
    XYSeries firstAttempt = new XYSeries("first attempt's time at a hedge win (mean)");
    XYSeries p50 = new XYSeries("first attempts' p50");
    XYSeries delay = new XYSeries("hedge delay");
    for (Round r : rounds) {
      share.add(r.round(), 100 * r.hedgeWinShare());
      add(firstAttempt, r.round(), r.firstAttemptAtHedgeWin());
      add(p50, r.round(), r.firstAttemptP50());
      add(delay, r.round(), r.delay());
    }
    NumberAxis roundAxis = new NumberAxis("round of calls");
    roundAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(roundAxis);
    plot.setGap(12);
    NumberAxis percent = new NumberAxis("% of calls");
    percent.setAutoRangeIncludesZero(true);
    plot.add(subplot(new XYSeriesCollection(share), percent, 0), 1);
    XYSeriesCollection times = new XYSeriesCollection();
    times.addSeries(firstAttempt);
    times.addSeries(p50);
    times.addSeries(delay);
    NumberAxis seconds = new NumberAxis("tool's seconds");
    seconds.setAutoRangeIncludesZero(true);
    plot.add(subplot(times, seconds, 1), 2);
    JFreeChart chart = new JFreeChart("Does hedging pay? Hedge wins per round",
        new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static XYPlot subplot(XYSeriesCollection data, NumberAxis axis, int firstColour) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
      renderer.setSeriesPaint(i, PALETTE[(firstColour + i) % PALETTE.length]);
    }
    XYPlot plot = new XYPlot(data, null, axis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }

  private static void add(XYSeries series, int round, OptionalDouble value) {
    if (value.isPresent()) {
      series.add(round, value.getAsDouble());
    }
  }
}
