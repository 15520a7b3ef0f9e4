#!/usr/bin/env bash
# Headroom latency benchmark: the budget-check handler against one bare GetItem on the same DynamoDB Local,
# with 1 day and with 400 days of stored history. Usage: scripts/bench-headroom.sh [iterations=2000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
MAVEN_OPTS="${MAVEN_OPTS:--Xmx4g}" mvn -q -B -pl functions/budget-check exec:java \
  -Dexec.classpathScope=test \
  -Dexec.mainClass=org.costobservatory.functions.budgetcheck.bench.HeadroomBenchmark \
  -Dexec.args="${1:-2000}"
