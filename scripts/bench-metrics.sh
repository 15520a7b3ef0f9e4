#!/usr/bin/env bash
# What the CloudWatch metrics library (aws-embedded-metrics and what it brings) adds to each function: its jars,
# and its cold start in fresh JVMs. Usage: scripts/bench-metrics.sh [jvms=7] [calls=20000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o -DskipTests -pl shared package dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/bench.classpath 2>/dev/null || mvn -q -B -DskipTests -pl shared package \
  dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench.classpath
classpath="$(cat shared/target/bench.classpath)"
echo "Jars the metrics library adds to each function (zipped already; the package grows by about their sum):"
total=0
for jar in ${classpath//:/ }; do
  case "$(basename "$jar")" in
    aws-embedded-metrics-*|commons-lang3-*|javatuples-*)
      size=$(stat -c %s "$jar"); total=$((total + size))
      printf '  %-36s %9d bytes\n' "$(basename "$jar")" "$size" ;;
  esac
done
printf '  %-36s %9d bytes\n' "total" "$total"
for mode in primed unprimed; do
  [ "$mode" = primed ] && echo "Cold start, the writer primed at init as the functions do; each line a fresh JVM:" \
    || echo "Cold start without priming (the whole cost falls on the first metric); each line a fresh JVM:"
  for _ in $(seq "${1:-7}"); do
    java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 \
      -cp "shared/target/test-classes:shared/target/classes:$classpath" \
      org.costobservatory.metrics.bench.MetricsBenchmark "${2:-20000}" "$mode"
  done
done
