#!/usr/bin/env bash
# Builds the benchmarks and runs all of them: JMH (time and allocation per call), the paired goal
# ratios, the loser-interrupt latency and the scale test; then writes the results table. Needs
# JAVA_HOME = JDK 21+ (JDK 25 also runs the StructuredTaskScope baseline). Takes about 12 minutes on
# 2 cores. JMH warms up 6 s per fork: virtual-thread code paths need about 6 s of JIT before their
# times settle (3 s gave times 2-5x too high on this machine), and 2 forks average over the modes a
# JVM settles in.
#
#   bash src/jmh/run-all.sh                      # everything
#   bash src/jmh/run-all.sh firstSuccess2 InvokeAny   # JMH only these benchmarks (regexps), then the rest
#   JMH_ARGS="-f 1 -wi 5 -i 10" bash src/jmh/run-all.sh
#   SKIP_JMH=1 / SKIP_PAIRED=1 / SKIP_LATENCY=1 / SKIP_SCALE=1   skip a part (the table shows n/a for it)
#
# Output: target/bench-results/{jmh.txt,jmh.csv,paired.txt,latency.txt,scale.txt,summary.md} (or OUT=dir)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JMH_ARGS="${JMH_ARGS:--f 2 -wi 6 -w 1s -i 5 -r 1s}"
OUT="${OUT:-target/bench-results}"
mkdir -p "$OUT"

# class files of another JDK (a build on JDK 25 targets 25) would not load: rebuild them
JDK_NOW="$("$JAVA" -version 2>&1 | head -1)"
if [ -f target/jmh-classes/.built-with ] && [ "$(cat target/jmh-classes/.built-with)" != "$JDK_NOW" ]; then
  rm -rf target/jmh-classes
fi
mvn -q -Pbench package -Dmaven.test.skip=true
echo "$JDK_NOW" > target/jmh-classes/.built-with
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src/main 2>/dev/null || echo ' + uncommitted changes in src/main')"
  echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GB"}')"
  echo "jdk: $("$JAVA" -version 2>&1 | head -2 | tr '\n' ' ')"
} > "$OUT/env.txt"
cat "$OUT/env.txt"

if [ -z "${SKIP_JMH:-}" ]; then
  # shellcheck disable=SC2086
  "$JAVA" -jar target/benchmarks.jar $JMH_ARGS -prof gc -rf csv -rff "$OUT/jmh.csv" "$@" 2>&1 | tee "$OUT/jmh.txt"
fi
if [ -z "${SKIP_PAIRED:-}" ]; then
  "$JAVA" -Xms2g -Xmx2g -cp target/benchmarks.jar dev.redundant.bench.PairedRatios 2>&1 | tee "$OUT/paired.txt"
fi
if [ -z "${SKIP_LATENCY:-}" ]; then
  "$JAVA" -cp target/benchmarks.jar dev.redundant.bench.LoserInterruptLatency 2>&1 | tee "$OUT/latency.txt"
fi
if [ -z "${SKIP_SCALE:-}" ]; then
  "$JAVA" -cp target/benchmarks.jar dev.redundant.bench.ScaleTest 2>&1 | tee "$OUT/scale.txt"
fi
{
  sed 's/^/    /' "$OUT/env.txt"
  echo
  "$JAVA" -cp target/benchmarks.jar dev.redundant.bench.Report "$OUT"
} > "$OUT/summary.md"
echo
cat "$OUT/summary.md"
