#!/usr/bin/env bash
# Forecast backtest: the demo organisation and a synthetic one with a trend and a weekly rhythm, forecasts at the end
# of days 7, 14 and 21 of each month against the actual month end, MAPE of the chosen method and of the plain run
# rate, and how often the 80 % interval held the actual. Usage: scripts/bench-forecast.sh
set -euo pipefail
cd "$(dirname "$0")/.."
module=local
# One reactor run, so the classpath points at this checkout's modules, not at ~/.m2.
mvn -q -B -DskipTests -pl "$module" -am package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench.classpath
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  org.costobservatory.local.bench.ForecastBacktest
