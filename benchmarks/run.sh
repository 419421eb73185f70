#!/usr/bin/env bash
# Builds the agent and the benchmarks, then runs them: start-up time and peak RSS (whole processes), the
# per-request cost with each JDK client (JMH), and the bridge's own cost with 1, 100 and 1000 rules (JMH). Every
# ratio is against "no agent" (and an empty agent) in the same run; the last lines are README's Performance table.
# Usage: benchmarks/run.sh [startup|requests|bridge]... [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench package -DskipTests
java -jar benchmarks/target/benchmarks.jar agent/target/token-agent.jar "$@"
