#!/usr/bin/env bash
# The bounded-log benchmark: 1,000,000 tasks enqueued and acked through one durable tasks exchange (a replica set of
# one, log fsynced), then a restart on the same data directory; then 100,000 tasks left owed and a restart again.
#   bench/restart.sh [--tasks=1000000] [--held=100000]
# Prints the log's size and how long each restart takes until the exchange serves (BENCHMARKS.md, "Bounded log").
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench.classpath)" dev.messagingnode.bench.RestartBench "$@"
