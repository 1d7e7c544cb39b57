#!/usr/bin/env bash
# A first benchmark of every pattern on one node, in one JVM (no network): `bench/local.sh`.
# `bench/local.sh topic [N]` instead measures routing-key matching with N subscriptions (default 10000),
# the trie against a scan of every subscription; `bench/local.sh cluster` request-response between three cluster
# members on loopback (one JVM, JGroups over TCP on 127.0.0.1).
# Bounded: each workload warms up for bench.warmup-ms (2 s) and runs for bench.run-ms (5 s), then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="target/classes:target/test-classes:$(cat target/bench.classpath)"
case "${1:-patterns}" in
  topic) java -Xmx1g -cp "$cp" dev.messagingnode.bench.TopicMatchBench "${2:-10000}" ;;
  cluster) java -Xmx1g -Djava.net.preferIPv4Stack=true -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" dev.messagingnode.cluster.ClusterRpcBench ;;
  *) java -Xmx1g -cp "$cp" dev.messagingnode.bench.LocalBench ;;
esac
