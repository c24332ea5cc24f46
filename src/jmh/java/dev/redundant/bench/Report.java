package dev.redundant.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the results table (markdown) from one run of {@code src/jmh/run-all.sh}: the JMH CSV
 * ({@code jmh.csv}, run with {@code -prof gc}), and the {@code RESULT key=value} lines of
 * {@link PairedRatios} ({@code paired.txt}), {@link LoserInterruptLatency} ({@code latency.txt}) and
 * {@link ScaleTest} ({@code scale.txt}), all in the
 * directory given as the argument. Ratios are against baselines of the same run; the goals are fixed.
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.redundant.bench.Report target/bench-results
 * </pre>
 */
public final class Report {
  private static final String[] CALLERS = {"platform", "virtual"};

  /** benchmark (short name) -> caller -> [score, error, bytes/op]. */
  private final Map<String, Map<String, double[]>> jmh = new LinkedHashMap<>();
  private final Map<String, String> results = new HashMap<>();
  private final List<String> out = new ArrayList<>();

  private Report() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-results");
    Report report = new Report();
    report.readJmh(dir.resolve("jmh.csv"));
    report.readResults(dir.resolve("latency.txt"));
    report.readResults(dir.resolve("scale.txt"));
    report.readResults(dir.resolve("paired.txt"));
    report.write();
    report.out.forEach(System.out::println);
  }

  // ------------------------------------------------------------------ input

  private void readJmh(Path csv) throws IOException {
    if (!Files.exists(csv)) {
      return;
    }
    List<String> lines = Files.readAllLines(csv);
    List<String> header = splitCsv(lines.get(0));
    int iName = header.indexOf("Benchmark");
    int iScore = header.indexOf("Score");
    int iError = header.indexOf("Score Error (99.9%)");
    int iCaller = header.indexOf("Param: caller");
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = splitCsv(line);
      String name = f.get(iName);
      name = name.substring(name.lastIndexOf('.', name.indexOf(':') < 0 ? name.length() : name.indexOf(':')) + 1);
      String caller = iCaller < 0 ? "platform" : f.get(iCaller);
      boolean norm = name.endsWith(":gc.alloc.rate.norm");
      if (name.contains(":") && !norm) {
        continue;
      }
      String bench = norm ? name.substring(0, name.indexOf(':')) : name;
      double[] v = jmh.computeIfAbsent(bench, k -> new LinkedHashMap<>())
          .computeIfAbsent(caller, k -> new double[] {Double.NaN, Double.NaN, Double.NaN});
      if (norm) {
        v[2] = number(f.get(iScore));
      } else {
        v[0] = number(f.get(iScore));
        v[1] = number(f.get(iError));
      }
    }
  }

  private static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|([^,]*)").matcher(line);
    int pos = 0;
    while (pos <= line.length() && m.find(pos)) {
      fields.add(m.group(1) != null ? m.group(1) : m.group(2));
      pos = m.end() + 1;
    }
    return fields;
  }

  private static double number(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private void readResults(Path log) throws IOException {
    if (!Files.exists(log)) {
      return;
    }
    Pattern kv = Pattern.compile("(\\S+)=(\\S+)");
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("RESULT ")) {
        Matcher m = kv.matcher(line);
        while (m.find()) {
          results.put(m.group(1), m.group(2));
        }
      }
    }
  }

  private double result(String key) {
    String v = results.get(key);
    return v == null ? Double.NaN : number(v);
  }

  private double score(String bench, String caller, int what) {
    Map<String, double[]> byCaller = jmh.get(bench);
    double[] v = byCaller == null ? null : byCaller.get(caller);
    return v == null ? Double.NaN : v[what];
  }

  // ------------------------------------------------------------------ output

  private void write() {
    out.add("### JMH: time and allocation per operation");
    out.add("");
    out.add("| benchmark | platform ns/op | platform B/op | virtual ns/op | virtual B/op |");
    out.add("|---|---:|---:|---:|---:|");
    for (Map.Entry<String, Map<String, double[]>> e : jmh.entrySet()) {
      StringBuilder row = new StringBuilder("| ").append(e.getKey());
      for (String caller : CALLERS) {
        double[] v = e.getValue().get(caller);
        row.append(v == null ? " | - | -" : String.format(Locale.ROOT, " | %s%s | %s", fmt(v[0]),
            Double.isNaN(v[1]) ? "" : " ± " + fmt(v[1]), fmt(v[2])));
      }
      out.add(row.append(" |").toString());
    }
    out.add("");
    out.add("### Goals (ratios against baselines of the same run)");
    out.add("");
    out.add("Time ratios: **paired median** (IQR) from PairedRatios, which alternates library and baseline"
        + " batches in one JVM and is what the verdict uses; then the JMH ratio of this run (means, drifts"
        + " with the machine). Byte ratios: JMH gc.alloc.rate.norm.");
    out.add("");
    out.add("| measure | platform caller | virtual caller | goal | met? |");
    out.add("|---|---:|---:|---|---|");
    ratioRow("firstSuccess(2) time / invokeAny(2) time", "firstSuccess2", "baselineInvokeAny2", 0, 1.0,
        "fs2_invokeAny");
    ratioRow("firstSuccess(2) B/op / invokeAny(2) B/op", "firstSuccess2", "baselineInvokeAny2", 2, 1.2, null);
    ratioRow("firstSuccess(1) time / virtual thread start+join time", "firstSuccess1",
        "baselineVirtualThreadStartJoin", 0, 1.1, "fs1_vtStartJoin");
    ratioRow("hedged, first wins, time / firstSuccess(1) time", "hedgedFirstWins", "firstSuccess1", 0, 1.2,
        "hedged_fs1");
    double[] p99 = {result("latency.platform.p99us"), result("latency.virtual.p99us")};
    out.add(String.format(Locale.ROOT, "| loser interrupt p99 (p50) from the call's return; [from the winner's"
            + " return] | %s us (%s us); [%s us (%s us)] | %s us (%s us); [%s us (%s us)] | <= 50 us | %s |",
        fmt(p99[0]), fmt(result("latency.platform.p50us")), fmt(result("latencyFromWinner.platform.p99us")),
        fmt(result("latencyFromWinner.platform.p50us")), fmt(p99[1]), fmt(result("latency.virtual.p50us")),
        fmt(result("latencyFromWinner.virtual.p99us")), fmt(result("latencyFromWinner.virtual.p50us")),
        met(p99[0] <= 50 && p99[1] <= 50, p99)));
    double heap = result("parked.heapPerRaceBytes");
    out.add(String.format(Locale.ROOT, "| heap per parked race (%s concurrent firstSuccessAsync(2), 2 parked"
            + " attempts each; median of 3 rounds) | %s bytes (%.2f KB) | | <= 2.1 KB | %s |", count(result("parked.races")),
        fmt(heap), heap / 1024, met(heap <= 2.1 * 1024, heap)).replace("(NaN KB)", ""));
    double cancel = result("parked.cancelAllMs");
    out.add(String.format(Locale.ROOT, "| time to cancel all %s parked races, until no attempt runs (median of 3"
            + " rounds, min-max); [reference: interrupting 2 x %s bare parked virtual threads] | %s ms (%s-%s);"
            + " [%s ms (%s-%s)] | | <= 1 s | %s |", count(result("parked.races")), count(result("parked.races")),
        fmt(cancel), fmt(result("parked.cancelAllMsMin")), fmt(result("parked.cancelAllMsMax")),
        fmt(result("bare.interruptAllMs")), fmt(result("bare.interruptAllMsMin")),
        fmt(result("bare.interruptAllMsMax")), met(cancel <= 1000, cancel)));
    for (String key : new String[] {"inARow", "inARowLoserParked"}) {
      double first = result(key + ".heapFirstMB");
      double last = result(key + ".heapLastMB");
      double left = result(key + ".leftRunning");
      out.add(String.format(Locale.ROOT, "| %s firstSuccess(2) races in a row (%s): heap after GC at 100k / at"
              + " end; attempts left running | %s MB / %s MB; %s left | | flat; 0 left | %s |",
          count(result(key + ".races")), key.equals("inARow") ? "winner returns at once"
              : "winner returns once the loser is parked", fmt(first), fmt(last), fmt(left),
          met(last - first <= 2 && left == 0, first, last, left)));
    }
    out.add("");
    out.add("### Context");
    out.add("");
    out.add("| measure | platform caller | virtual caller |");
    out.add("|---|---:|---:|");
    contextRow("firstSuccess(2) time / CompletableFuture anyOf(2) time", "firstSuccess2",
        "baselineCompletableFutureAnyOf2", 0);
    contextRow("firstSuccess(2) time / StructuredTaskScope(2) time", "firstSuccess2",
        "baselineStructuredTaskScope2", 0);
    contextRow("firstSuccess(2) B/op / StructuredTaskScope(2) B/op", "firstSuccess2",
        "baselineStructuredTaskScope2", 2);
    contextRow("firstSuccess(1) B/op / virtual thread start+join B/op", "firstSuccess1",
        "baselineVirtualThreadStartJoin", 2);
    contextRow("hedged, first wins, B/op / firstSuccess(1) B/op", "hedgedFirstWins", "firstSuccess1", 2);
    out.add(String.format(Locale.ROOT, "| reference: heap per 2 bare parked virtual threads (no library) | %s"
        + " bytes | |", fmt(result("bare.heapPer2ThreadsBytes"))));
    out.add(String.format(Locale.ROOT, "| races in a row: us per race (winner at once / loser parked);"
            + " losers whose task started | %s / %s us; %s / %s | |", fmt(result("inARow.usPerRace")),
        fmt(result("inARowLoserParked.usPerRace")), count(result("inARow.parkedLosers")),
        count(result("inARowLoserParked.parkedLosers"))));
  }

  private void ratioRow(String label, String bench, String baseline, int what, double goal, String pair) {
    List<Double> judged = new ArrayList<>();
    boolean ok = true;
    StringBuilder row = new StringBuilder("| ").append(label);
    for (String caller : CALLERS) {
      double a = score(bench, caller, what);
      double b = score(baseline, caller, what);
      String jmhRatio = String.format(Locale.ROOT, "%s (%s / %s)", ratio(a / b), fmt(a), fmt(b));
      double verdict = a / b;
      if (pair == null) {
        row.append(" | **").append(ratio(a / b)).append("** (").append(fmt(a)).append(" / ").append(fmt(b))
            .append(')');
      } else {
        String k = "paired." + pair + "." + caller;
        verdict = result(k + ".median");
        row.append(String.format(Locale.ROOT, " | **%s** (%s-%s); JMH %s", ratio(verdict),
            ratio(result(k + ".p25")), ratio(result(k + ".p75")), jmhRatio));
      }
      judged.add(verdict);
      ok &= verdict <= goal;
    }
    out.add(row.append(String.format(Locale.ROOT, " | <= %.1fx | %s |", goal,
        met(ok, judged.stream().mapToDouble(Double::doubleValue).toArray()))).toString());
  }

  private void contextRow(String label, String bench, String baseline, int what) {
    if (!jmh.containsKey(baseline)) {
      return;
    }
    StringBuilder row = new StringBuilder("| ").append(label);
    for (String caller : CALLERS) {
      double a = score(bench, caller, what);
      double b = score(baseline, caller, what);
      row.append(String.format(Locale.ROOT, " | %s (%s / %s)", ratio(a / b), fmt(a), fmt(b)));
    }
    out.add(row.append(" |").toString());
  }

  private static String met(boolean ok, double... values) {
    for (double v : values) {
      if (Double.isNaN(v)) {
        return "no data";
      }
    }
    return ok ? "met" : "**MISSED**";
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
  }

  private static String count(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
  }
}
