package dev.redundant.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes scenario rows as a JSON array of objects with the fields {@code scenario, policy, phase,
 * delay_ms, success, p50_ms, p99_ms, p999_ms, attempts_per_call, hedges_per_call, failovers_per_call,
 * primary_share} ({@code primary_share}: the share of first attempts per replica, S8 only, else null).
 * Written by hand to keep the examples free of dependencies: the strings are known labels, and numbers
 * that are not finite (a phase without calls) are written as {@code null}.
 */
final class JsonRows {
  private JsonRows() {}

  /**
   * Writes the rows to a file, replacing it.
   *
   * @param file where to write
   * @param rows the rows
   * @throws IOException if the file cannot be written
   */
  static void write(Path file, List<StrategyResult> rows) throws IOException {
    Files.writeString(file, toJson(rows));
  }

  /**
   * Returns the rows as JSON, one object a line.
   *
   * @param rows the rows
   * @return a JSON array, ending with a newline
   */
  static String toJson(List<StrategyResult> rows) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < rows.size(); i++) {
      StrategyResult row = rows.get(i);
      json.append(i == 0 ? "\n" : ",\n").append("  {")
          .append("\"scenario\": ").append(string(row.scenario()))
          .append(", \"policy\": ").append(string(row.policy()))
          .append(", \"phase\": ").append(string(row.phase().label()))
          .append(", \"delay_ms\": ").append(row.delayMs() == null ? "null" : number(row.delayMs()))
          .append(", \"success\": ").append(number(row.success()))
          .append(", \"p50_ms\": ").append(number(row.percentileMs(50)))
          .append(", \"p99_ms\": ").append(number(row.percentileMs(99)))
          .append(", \"p999_ms\": ").append(number(row.percentileMs(99.9)))
          .append(", \"attempts_per_call\": ").append(number(row.attemptsPerCall()))
          .append(", \"hedges_per_call\": ").append(number(row.hedgesPerCall()))
          .append(", \"failovers_per_call\": ").append(number(row.failoversPerCall()))
          .append(", \"primary_share\": ").append(shares(row.primaryShare()))
          .append('}');
    }
    return json.append(rows.isEmpty() ? "]\n" : "\n]\n").toString();
  }

  /** The shares as a JSON array, or null for a row without replicas. */
  private static String shares(double[] shares) {
    if (shares.length == 0) {
      return "null";
    }
    StringBuilder array = new StringBuilder("[");
    for (int i = 0; i < shares.length; i++) {
      array.append(i == 0 ? "" : ", ").append(number(shares[i]));
    }
    return array.append(']').toString();
  }

  private static String number(double x) {
    if (!Double.isFinite(x)) {
      return "null";
    }
    return String.format(Locale.ROOT, "%.6g", x).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
  }

  private static String string(String s) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20) {
        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}
