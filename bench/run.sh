#!/usr/bin/env bash
# The PULSE benchmark (see bench/README.md):
#   bench/run.sh [--quick] [--jfr] [--only s1,s2,s3,s4,s5,s6] [--cluster-config FILE] [--rebuild]
# Builds PULSE if its jars are missing (or with --rebuild), builds the benchmark and its Node
# clients, then starts PULSE on 127.0.0.1 and runs the scenarios. Prints a table; writes
# bench/target/results.json. Everything it starts is stopped when it ends.
set -euo pipefail
script=$(realpath "$0")

rebuild=0
args=()
props=()
expect=""
for arg in "$@"; do
  if [[ $expect == cluster-config ]]; then
    props+=("-Dpulse.bench.clusterConfig=$(realpath "$arg")")
    expect=""
    continue
  fi
  case "$arg" in
    --cluster-config) expect=cluster-config ;;
    --rebuild) rebuild=1 ;;
    --quick|--jfr) args+=("$arg") ;;
    --only) args+=("$arg") ;;
    s[1-6]*) args+=("$arg") ;;
    -h|--help) sed -n '2,6p' "$script"; exit 0 ;;
    *) echo "bench/run.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$script")/.."
root=$(pwd)

if [[ $rebuild == 1 || ! -f launcher/target/pulse.jar || ! -f launcher/target/pulse-worker.jar ]]; then
  echo "Building PULSE (mvn -q -B -DskipTests install) ..."
  # install, not only package: the benchmark module compiles against the installed PULSE modules
  mvn -q -B -DskipTests install
fi
if ! mvn -q -B -f bench/pom.xml package 2>/dev/null; then
  echo "Installing the PULSE modules the benchmark compiles against ..."
  mvn -q -B -DskipTests install
  mvn -q -B -f bench/pom.xml package
fi
if [[ ! -d bench/node_modules/@vertx/eventbus-bridge-client.js ]]; then
  (cd bench && npm ci --no-audit --no-fund --silent)
fi

# Run a copy: a rebuild of launcher/target during the run must not swap the jar under running JVMs.
# A jar being rewritten right now (its mtime under 10 s old, or no readable index) is waited for.
mkdir -p bench/target/jars
copied=0
for attempt in $(seq 1 60); do
  now=$(date +%s)
  if (( now - $(stat -c %Y launcher/target/pulse.jar) > 10 && now - $(stat -c %Y launcher/target/pulse-worker.jar) > 10 )); then
    cp launcher/target/pulse.jar launcher/target/pulse-worker.jar bench/target/jars/
    if unzip -l bench/target/jars/pulse.jar dev/pulse/storage/EmbeddedMariaDb.class >/dev/null 2>&1 \
        && unzip -l bench/target/jars/pulse-worker.jar dev/pulse/launcher/Main.class >/dev/null 2>&1; then
      copied=1
      break
    fi
  fi
  sleep 5
done
if [[ $copied == 0 ]]; then
  echo "bench/run.sh: launcher/target/pulse.jar kept changing or is broken; rebuild with --rebuild" >&2
  exit 1
fi

exec timeout --signal=TERM --kill-after=60 40m java -Xmx1g \
  --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -Dhazelcast.logging.type=slf4j \
  -Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory \
  -Dpulse.bench.dir="$root/bench" "${props[@]}" \
  -Dpulse.bench.jar="$root/bench/target/jars/pulse.jar" \
  -Dpulse.bench.workerJar="$root/bench/target/jars/pulse-worker.jar" \
  -cp "$root/bench/target/classes:$root/bench/target/jars/pulse.jar" \
  dev.pulse.bench.Bench "${args[@]}"
