#!/usr/bin/env bash
# Ingest benchmark: a month of hourly usage at ~1,000 rows per hour from a local stand-in into DynamoDB Local.
# Usage: scripts/bench-ingest.sh [days=30] [rows-per-hour=1000] [rounds=3]
# Prints rows/s for our parse, a bare Jackson streaming pass, our store step, bare BatchWriteItem, and the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
module=functions/usage-report
mvn -q -B -DskipTests install
mvn -q -B -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -Xmx8g -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.functions.usagereport.bench.IngestBenchmark "${1:-30}" "${2:-1000}" "${3:-3}"
