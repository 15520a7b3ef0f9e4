#!/usr/bin/env bash
# Accuracy benchmark: provisional spend as headroom reported it before each day settled, against the bill, on the
# demo organisation (a discount, an unlisted model, US-only inference), with calibrated prices and with list prices
# only. Usage: scripts/bench-accuracy.sh [last-day=2026-11-17] [days=14]
# The default last day makes the first of the 14 the day the demo starts using a model no price table lists.
set -euo pipefail
cd "$(dirname "$0")/.."
module=local
mvn -q -B -pl "$module" -am -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -Xmx2g -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.local.bench.AccuracyBenchmark "$@"
