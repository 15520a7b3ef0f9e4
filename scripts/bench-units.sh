#!/usr/bin/env bash
# What steady operation consumes in the units AWS bills: DynamoDB read and write request units per day (measured with
# ReturnConsumedCapacity), Lambda invocations and durations, log and metric bytes, SNS publishes; for the demo
# organisation and a synthetic one at the given usage rows per hour; then per 1,000 headroom checks and per hold.
# Usage: scripts/bench-units.sh [days=4] [rows-per-hour=1000] [warm-up-days=2] [both|demo|synthetic]. docs/costs.md
# turns them into dollars.
# Extra Maven flags (e.g. -o) in MAVEN_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
module=local
classpath="$PWD/$module/target/bench-units.classpath"
# Builds the module and what it needs in this checkout only; nothing is installed into the local repository.
# shellcheck disable=SC2086
mvn -q -B ${MAVEN_FLAGS:-} -pl "$module" -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$classpath"
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -Xmx2g -cp "$module/target/test-classes:$module/target/classes:$(cat "$classpath")" \
  org.costobservatory.local.bench.UnitsBenchmark "$@"
