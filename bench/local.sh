#!/usr/bin/env bash
# A first benchmark of every pattern on one node, in one JVM (no network): `bench/local.sh`.
# `bench/local.sh topic [N]` instead measures routing-key matching with N subscriptions (default 10000),
# the trie against a scan of every subscription.
# Bounded: each workload warms up for bench.warmup-ms (2 s) and runs for bench.run-ms (5 s), then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
case "${1:-patterns}" in
  topic) java -Xmx1g -cp "$cp" dev.messagingnode.bench.TopicMatchBench "${2:-10000}" ;;
  *) java -Xmx1g -cp "$cp" dev.messagingnode.bench.LocalBench ;;
esac
