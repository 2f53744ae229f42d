#!/usr/bin/env bash
# Builds the bench module (with the modules it needs) and runs the short benchmark suite: a table on stdout and
# bench/results.json. Takes about 10 minutes on a 2-core machine. Settings: BENCH_OPTS="-Dbench.iterations=10 ..."
# (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
# shellcheck disable=SC2086
exec java @config/chronicle.jvmopts ${BENCH_OPTS:-} -Dframejournal.root="$PWD" -jar bench/target/benchmarks.jar
