#!/usr/bin/env bash
# Cold start of the budget-check function as Lambda runs it: the package as SAM builds it (classes + runtime jars
# in lib/, zipped), run under the real AWS Lambda runtime interface client in a fresh JVM against a Runtime API
# stand-in and DynamoDB Local. Prints the package size, init, first and warm invokes, without and with priming.
# Prints every function's package size first.
# Usage: scripts/bench-coldstart.sh [warm-invokes=20] [rounds=3]      (BENCH_MAVEN_ARGS=-o for offline)
set -euo pipefail
cd "$(dirname "$0")/.."
# BENCH_MAVEN_ARGS, e.g. -o, is passed to every mvn call.
read -r -a MAVEN_ARGS <<< "${BENCH_MAVEN_ARGS:-}"
mvn -q -B -DskipTests install "${MAVEN_ARGS[@]}"
# SAM's Java/Maven builder: the function's classes, and its runtime-scope dependencies under lib/, zipped.
package_function() {
  local module="functions/$1" package="functions/$1/target/lambda"
  rm -rf "$package" "$module/target/$1.zip"
  mkdir -p "$package/lib"
  mvn -q -B -pl "$module" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lambda/lib \
    "${MAVEN_ARGS[@]}"
  cp -r "$module/target/classes/." "$package/"
  (cd "$package" && jar cfM "../$1.zip" .)
}
# Every function's package, against the 10 MB goal (MB as Lambda's quotas count them: 1,048,576 bytes).
echo "Deployment packages (zipped)"
for function in budget-check cost-report usage-report; do
  package_function "$function"
  bytes=$(stat -c %s "functions/$function/target/$function.zip")
  jars=$(ls "functions/$function/target/lambda/lib" | wc -l)
  awk -v f="$function" -v b="$bytes" -v j="$jars" 'BEGIN { printf "  %-13s %10d bytes  %5.2f MB  %2d jars  %s\n",
    f, b, b / 1048576, j, (b <= 10 * 1048576 ? "<= 10 MB" : "OVER 10 MB") }'
done
echo
module=functions/budget-check
package="$module/target/lambda"
mvn -q -B -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath \
  "${MAVEN_ARGS[@]}"
export DDB_LOCAL_TELEMETRY=0 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.functions.budgetcheck.bench.ColdStartBenchmark "$package" "$module/target/budget-check.zip" \
  "${1:-20}" "${2:-3}"
