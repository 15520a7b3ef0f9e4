#!/usr/bin/env bash
# Cold start of the budget-check function as Lambda runs it: the package as SAM builds it (classes + runtime jars
# in lib/, zipped), run under the real AWS Lambda runtime interface client in a fresh JVM against a Runtime API
# stand-in and DynamoDB Local. Prints the package size, init, first and warm invokes, without and with priming.
# Usage: scripts/bench-coldstart.sh [warm-invokes=20] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
module=functions/budget-check
mvn -q -B -DskipTests install
# SAM's Java/Maven builder: the function's classes, and its runtime-scope dependencies under lib/.
package="$module/target/lambda"
rm -rf "$package" "$module/target/budget-check.zip"
mkdir -p "$package/lib"
mvn -q -B -pl "$module" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lambda/lib
cp -r "$module/target/classes/." "$package/"
(cd "$package" && jar cfM ../budget-check.zip .)
mvn -q -B -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.functions.budgetcheck.bench.ColdStartBenchmark "$package" "$module/target/budget-check.zip" \
  "${1:-20}" "${2:-3}"
