#!/usr/bin/env bash
# Headroom latency benchmark: the budget-check handler against one bare GetItem on the same DynamoDB Local,
# with 1 day and with 400 days of stored history, interleaved and repeated (prints the spread).
# Usage: scripts/bench-headroom.sh [pairs=2000] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
module=functions/budget-check
mvn -q -B -DskipTests install
mvn -q -B -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -Xmx4g -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.functions.budgetcheck.bench.HeadroomBenchmark "${1:-2000}" "${2:-5}"
