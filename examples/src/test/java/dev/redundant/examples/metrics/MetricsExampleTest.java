package dev.redundant.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redundant.HedgeStatistics;
import dev.redundant.HedgeStatistics.DelayMode;
import dev.redundant.HedgeStatistics.LatencyQuantiles;
import dev.redundant.examples.metrics.MetricsExample.Round;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics example: the shipped binding's Prometheus text, and hedge wins per round. */
class MetricsExampleTest {

  @Test
  void aRunPrintsTheShippedMetersAndARoundPerBatch() throws Exception {
    MetricsExample.Run run = MetricsExample.run(200, 2);

    assertThat(run.rounds()).extracting(Round::calls).containsExactly(100L, 100L);
    assertThat(run.statistics().calls()).isEqualTo(200);
    assertThat(run.prometheusText())
        .contains("redundant_calls_total{outcome=\"succeeded\",policy=\"flaky-tool\"}")
        .contains("redundant_attempts_total{policy=\"flaky-tool\",trigger=\"hedge\"}")
        .contains("redundant_hedge_win_share{policy=\"flaky-tool\"}")
        .contains("redundant_hedge_win_first_attempt_seconds_count{policy=\"flaky-tool\"}");
    assertThat(MetricsExample.roundsTable(run.rounds()).lines()).hasSize(4);
  }

  @Test
  void aRoundIsTheDifferenceOfTwoSnapshots() {
    HedgeStatistics before = stats(100, 4, Duration.ofMillis(40));
    HedgeStatistics after = stats(300, 14, Duration.ofMillis(240));

    Round round = MetricsExample.round(3, before, after);

    assertThat(round.calls()).isEqualTo(200);
    assertThat(round.hedgeWinShare()).isEqualTo(0.05);
    // 200 ms over 10 hedge wins: 20 ms each, 0.4 s of the tool's time at the example's scale of 0.05
    assertThat(round.firstAttemptAtHedgeWin().getAsDouble()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(MetricsExample.round(4, after, after).firstAttemptAtHedgeWin()).isEmpty();
  }

  @Test
  void theChartIsAPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("hedge-wins.png");
    List<Round> rounds = List.of(
        MetricsExample.round(1, stats(0, 0, Duration.ZERO), stats(100, 5, Duration.ofMillis(100))),
        MetricsExample.round(2, stats(100, 5, Duration.ofMillis(100)), stats(200, 9, Duration.ofMillis(180))));

    HedgeWinChart.write(rounds, png, 600, 400);

    assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
  }

  private static HedgeStatistics stats(long calls, long hedgesWon, Duration firstAttemptTime) {
    return new HedgeStatistics(calls, calls, 0, calls + hedgesWon, hedgesWon, hedgesWon, 0, 0, 0, DelayMode.LEARNT,
        Optional.of(Duration.ofMillis(10)), new LatencyQuantiles(calls, 0, Optional.of(Duration.ofMillis(7)),
            Optional.empty(), Optional.empty()), firstAttemptTime);
  }
}
