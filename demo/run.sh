#!/usr/bin/env bash
# The demo: an unmodified application calls a local API through token-agent, with a local stand-in for the
# token endpoint (no Azure needed). Shows what the token endpoint was asked and what the API received.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=agent/target/token-agent.jar
if [ ! -f "$jar" ]; then
  echo "demo: building $jar (mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests
fi
work=$(mktemp -d)
trap 'kill "$standin" 2>/dev/null || true; rm -rf "$work"' EXIT
java demo/LocalStandIn.java "$work/port" > "$work/standin.log" 2>&1 &
standin=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
cat > "$work/rules.json" <<JSON
{
  "endpoint": "http://127.0.0.1:$port/metadata/identity/oauth2/token",
  "rules": [
    { "match": "http://127.0.0.1:$port/api", "resource": "https://demo.example" }
  ]
}
JSON
echo "demo: rules.json"; sed 's/^/    /' "$work/rules.json"
echo "demo: java -javaagent:$jar=config=rules.json LegacyApp /api/orders /api/orders /public/status"
java "-javaagent:$jar=config=$work/rules.json" demo/LegacyApp.java \
  "http://127.0.0.1:$port/api/orders" "http://127.0.0.1:$port/api/orders" "http://127.0.0.1:$port/public/status"
sleep 0.2
echo "demo: what the local servers saw"
sed 's/^/    /' "$work/standin.log"
