#!/usr/bin/env bash
# Hold benchmark: a hold's round trip (POST /v1/holds, then DELETE /v1/holds/{id}) through the budget-check handler
# against one bare TransactWriteItems of the same shape, on the same DynamoDB Local, interleaved and repeated (prints
# the spread). Usage: scripts/bench-holds.sh [pairs=1000] [rounds=3]. Extra Maven flags (e.g. -o) in MAVEN_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
module=functions/budget-check
classpath="$PWD/$module/target/bench-holds.classpath"
# Builds the module and what it needs in this checkout only; nothing is installed into the local repository.
# shellcheck disable=SC2086
mvn -q -B ${MAVEN_FLAGS:-} -pl "$module" -am -DskipTests package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$classpath"
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -Xmx2g -cp "$module/target/test-classes:$module/target/classes:$(cat "$classpath")" \
  org.costobservatory.functions.budgetcheck.bench.HoldBenchmark "${1:-1000}" "${2:-3}"
