#!/usr/bin/env bash
# Ingest benchmark (issue: a month of hourly usage at ~1,000 rows per hour into DynamoDB Local).
# Usage: scripts/bench-ingest.sh [days=30] [rows-per-hour=1000]
# Prints rows/s for our parse, a bare Jackson streaming pass, our store step, bare BatchWriteItem, and the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
MAVEN_OPTS="${MAVEN_OPTS:--Xmx8g}" mvn -q -B -pl functions/usage-report exec:java \
  -Dexec.classpathScope=test \
  -Dexec.mainClass=org.costobservatory.functions.usagereport.bench.IngestBenchmark \
  -Dexec.args="${1:-30} ${2:-1000}"
