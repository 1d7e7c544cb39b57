#!/usr/bin/env bash
# The bench command: drives a running node over its TCP event bus bridge (port 7000) and HTTP (8080, for setup).
#   bench/bench.sh rpc --clients=1 --in-flight=64 --size=128
#   bench/bench.sh pubsub --publishers=1 --subscribers=4 --size=128 [--keys=N]
#   bench/bench.sh tasks --producers=1 --workers=3 --prefetch=10 --size=1024 [--nack-ratio=0.01]
#   bench/bench.sh sink --producers=1 --size=128
#   bench/bench.sh chunked --total=268435456 --chunk=1048576      (the embedded default's demo-blob service)
# Common: --host= --port= --http-port= --warmup=2s --duration=5s --format=text|json|csv --quiet=1
# It uses the packaged application (./mvnw package -DskipTests), so it runs wherever the node's jar is.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/quarkus-app/app/messaging-node-0.1.0-SNAPSHOT.jar ] || ./mvnw -q -B package -DskipTests
exec java -Xmx1g -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" dev.messagingnode.bench.Bench "$@"
