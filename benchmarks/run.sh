#!/usr/bin/env bash
# Builds the agent and the benchmarks, then runs them: start-up time and peak RSS (whole processes), the
# per-request cost with each JDK client (JMH), and the bridge's own cost (JMH). Every figure is against
# "no agent" in the same run. Usage: benchmarks/run.sh [startup|requests|bridge]... [quick]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench package -DskipTests
java -jar benchmarks/target/benchmarks.jar agent/target/token-agent.jar "$@"
