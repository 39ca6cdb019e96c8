#!/usr/bin/env bash
# Summarises a JFR recording made with bench/run.sh --jfr: the threads the CPU samples fell on,
# the hottest methods (top frame) and the PULSE / library frames most often on the stack.
#   bench/jfr-top.sh bench/target/run/server.jfr [lines]
set -euo pipefail
file=$1
lines=${2:-25}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
jfr print --events jdk.ExecutionSample --stack-depth 64 "$file" > "$tmp"
total=$(grep -c "jdk.ExecutionSample" "$tmp" || true)
echo "== $file: $total CPU samples; by thread"
grep "sampledThread" "$tmp" | sed 's/(javaThreadId.*//; s/^[ \t]*sampledThread = //' | sort | uniq -c | sort -rn | head -8
echo "== top frames (self time)"
awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' "$tmp" | sort | uniq -c | sort -rn | head -"$lines"
echo "== frames on the stack (inclusive), dev.pulse and selected libraries"
awk '/jdk.ExecutionSample/{delete seen} /^[ \t]+[a-z].*line:/{f=$0; sub(/^[ \t]+/, "", f); sub(/\(.*/, "", f); if (!(f in seen)) {seen[f]=1; print f}}' "$tmp" \
  | grep -E "^(dev\.pulse|io\.vertx\.mysqlclient|io\.vertx\.sqlclient|io\.vertx\.core\.json|com\.fasterxml|org\.mozilla|java\.security|sun\.security|io\.vertx\.ext\.web|io\.vertx\.core\.eventbus|com\.hazelcast)" \
  | sort | uniq -c | sort -rn | head -"$lines"
