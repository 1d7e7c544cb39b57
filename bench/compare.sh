#!/usr/bin/env bash
# Side by side: the node, RabbitMQ and NATS on this machine, on 127.0.0.1, the same workloads, alternating runs,
# REPS repetitions (default 3), medians and ratios; each system on one node and on two (what a second node costs).
# Installs rabbitmq-server and nats-server from Debian's packages when missing (needs root), the clients come from
# Maven Central (amqp-client, jnats). Every server it starts is stopped at the end, whatever happens; nothing else
# is touched. Not part of ./mvnw verify.
#   bench/compare.sh            # all of it, ~35 minutes on 2 cores
#   REPS=1 DURATION=3s bench/compare.sh
#   ROWS=durable bench/compare.sh   # only the durable W3d rows (one replica, three replicas), ~6 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${REPS:-3}"
WARMUP="${WARMUP:-2s}"
DURATION="${DURATION:-5s}"
ROWS="${ROWS:-all}"   # ROWS=durable: only the W3d rows (one replica, three replicas)
OUT=target/bench
WORK="$(mktemp -d /tmp/messaging-bench.XXXXXX)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

# ---- prerequisites ----------------------------------------------------------------------------------------------
missing=()
command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
command -v nats-server >/dev/null || missing+=(nats-server)
if [ ${#missing[@]} -gt 0 ]; then apt-get install -y -q "${missing[@]}"; fi
./mvnw -q -B package -DskipTests
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/bench.classpath)"

# ---- servers (each stopped by the trap) --------------------------------------------------------------------------
PIDS=()
EPMD_WAS_RUNNING=$(pgrep -x epmd >/dev/null && echo yes || echo no)
BEAMS_BEFORE=" $(pgrep -d ' ' -x beam.smp || true) "
export RABBITMQ_NODENAME=bench@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=25672 \
  RABBITMQ_DIST_PORT=25673 RABBITMQ_MNESIA_BASE="$WORK/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$WORK/rabbitmq/log" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$WORK/rabbitmq/enabled_plugins" RABBITMQ_CONFIG_FILE="$WORK/rabbitmq/rabbitmq" \
  ERL_EPMD_ADDRESS=127.0.0.1
stop_all() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  # the broker this script started: the beam.smp processes that were not there before
  for p in $(pgrep -x beam.smp || true); do
    case "$BEAMS_BEFORE" in *" $p "*) ;; *) kill "$p" 2>/dev/null || true ;; esac
  done
  if [ "$EPMD_WAS_RUNNING" = no ]; then pkill -x epmd 2>/dev/null || true; fi
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap stop_all EXIT

launch_node() { # name http bridge [cluster port] [seeds] [replica set]
  # Each node's durable log in the script's work directory (fsynced, as always): removed with it at the end.
  local env=(QUARKUS_HTTP_PORT="$2" QUARKUS_HTTP_HOST=127.0.0.1 MESSAGING_BRIDGE_TCP_PORT="$3" MESSAGING_BRIDGE_TCP_HOST=127.0.0.1
    QUARKUS_SHUTDOWN_DELAY=0s MESSAGING_DURABLE_DATA_DIR="$WORK/node-$1")
  if [ -n "${4:-}" ]; then env+=(MESSAGING_CLUSTER_ENABLED=true MESSAGING_CLUSTER_NAME="bench-${6:-ab}" MESSAGING_CLUSTER_NODE_NAME="$1"
    MESSAGING_CLUSTER_BIND_PORT="$4" MESSAGING_CLUSTER_SEEDS="$5" MESSAGING_DURABLE_MEMBERS="${6:-a,b}"); fi
  env "${env[@]}" java -Xmx1g -XX:+UseParallelGC -Djava.net.preferIPv4Stack=true -jar target/quarkus-app/quarkus-run.jar \
    > "$OUT/$1.log" 2>&1 &
  PIDS+=($!)
}
await_node() { # name http
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$2/q/health/ready" && return 0; sleep 0.1; done
  echo "node $1 did not become ready" >&2; exit 1
}
# A replica set serves once a majority of it is up: nodes of one start together, then each is awaited.
start_node() { launch_node "$@"; }

chmod 755 "$WORK"   # the broker runs as the rabbitmq user when started by root
mkdir -p "$WORK/rabbitmq" "$WORK/nats"
echo "[]." > "$WORK/rabbitmq/enabled_plugins"
[ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$WORK/rabbitmq"
(HOME="$WORK/rabbitmq" rabbitmq-server > "$OUT/rabbitmq.log" 2>&1 &)
cat > "$WORK/nats/nats.conf" <<CONF
listen: 127.0.0.1:24222
max_payload: 8MB
jetstream { store_dir: "$WORK/nats/js", max_memory_store: 1GB }
CONF
nats-server -c "$WORK/nats/nats.conf" > "$OUT/nats.log" 2>&1 &
PIDS+=($!)
start_node solo 28080 27000; await_node solo 28080
rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/25672) 2>/dev/null; }
for _ in $(seq 1 300); do rabbit_up && break; sleep 0.2; done
rabbit_up || { echo "RabbitMQ did not start:" >&2; tail -5 "$OUT/rabbitmq.log" >&2; exit 1; }
sleep 2

# ---- runs ---------------------------------------------------------------------------------------------------------
# The node's rows go through the Java remote client (binary framing, the bench's default); JW repeats them over the
# stock JSON bridge protocol (--protocol=json), as a Python or Go bridge client speaks it, for the node alone.
W=( "W1 rpc, 128 B, in-flight 1|rpc --in-flight=1 --size=128"
    "W1 rpc, 128 B, in-flight 64|rpc --in-flight=64 --size=128"
    "W2 pubsub, 1 pub, 4 subs, 128 B, fire-and-forget|pubsub --publishers=1 --subscribers=4 --size=128 --confirm=false"
    "W2 pubsub, 1 pub, 4 subs, 128 B, confirmed|pubsub --publishers=1 --subscribers=4 --size=128"
    "W3 tasks, 1 producer, 3 workers, prefetch 10, 1 KiB|tasks --producers=1 --workers=3 --prefetch=10 --size=1024"
    "W4 chunked, 256 MiB in 1 MiB|chunked --total=268435456 --chunk=1048576" )
common=(--warmup="$WARMUP" --duration="$DURATION" --format=json --quiet=1)
record() { # label system json
  if [ -z "$3" ]; then echo "$1 | $2 | FAILED (no result)" | tee -a "$OUT/failures.log"; return; fi
  printf '{"label":"%s","system":"%s","result":%s}\n' "$1" "$2" "$3" >> "$RESULTS"
  echo "$1 | $2 | $(echo "$3" | head -c 160)"
}
# One unrecorded run of the durable row for each system first (JIT, caches, the quorum queue's and stream's first
# segments), as the three-replica phase does below.
label="W3d durable tasks, 1 producer, 3 workers, prefetch 10, 1 KiB"; args=(tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --durable=true)
warm=(--warmup=0s --duration=10s --quiet=1)
java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --port=27000 --http-port=28080 "${warm[@]}" >/dev/null 2>&1 || true
java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25672 "${warm[@]}" >/dev/null 2>&1 || true
java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --port=24222 "${warm[@]}" >/dev/null 2>&1 || true
# The node is a JVM: one unrecorded run of each workload first, so that the recorded runs measure its compiled hot
# paths (a production node has long since compiled them), not the JIT at work on two shared cores. RabbitMQ and NATS
# compile nothing at run time; their first runs are recorded as they come.
warm_node() { # port http-port
  for w in "${W[@]}"; do
    args=(${w#*|})
    java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --port="$1" --http-port="$2" "${warm[@]}" >/dev/null 2>&1 || true
  done
}
[ "$ROWS" = durable ] || warm_node 27000 28080
for rep in $(seq 1 "$REPS"); do
  for w in "${W[@]}"; do
    [ "$ROWS" = durable ] && break
    label="${w%%|*}"; args=(${w#*|})
    record "$label (one node)" node "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --port=27000 --http-port=28080 "${common[@]}" 2>/dev/null | tail -1)"
    record "$label (one node)" rabbitmq "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25672 "${common[@]}" 2>/dev/null | tail -1)"
    record "$label (one node)" nats "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --port=24222 "${common[@]}" 2>/dev/null | tail -1)"
  done
  for w in "${W[@]}"; do
    [ "$ROWS" = durable ] && break
    label="${w%%|*}"; args=(${w#*|})
    record "$label (one node, JSON bridge)" node "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --protocol=json --port=27000 --http-port=28080 "${common[@]}" 2>/dev/null | tail -1)"
  done
  # Durable: the node's durable tasks exchange (its replica set of one, fsync before "accepted"), a RabbitMQ quorum
  # queue (one node; Raft, fsync of every batch of commands), a JetStream file-storage stream R1 (NATS 2.9 fsyncs its
  # files every 2 minutes by default and has no sync_interval option: not the same policy; see BENCHMARKS.md).
  label="W3d durable tasks, 1 producer, 3 workers, prefetch 10, 1 KiB"; args=(tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --durable=true)
  record "$label (one replica)" node "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --port=27000 --http-port=28080 "${common[@]}" 2>/dev/null | tail -1)"
  record "$label (one replica)" rabbitmq "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25672 "${common[@]}" 2>/dev/null | tail -1)"
  record "$label (one replica)" nats "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --port=24222 "${common[@]}" 2>/dev/null | tail -1)"
done

# Two nodes: clients and services on node b's bridge, the exchange created on (and hosted by) node a.
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
if [ "$ROWS" != durable ]; then
SEEDS=127.0.0.1:27800,127.0.0.1:27801
start_node a 28081 27001 27800 "$SEEDS"
start_node b 28082 27002 27801 "$SEEDS"
await_node a 28081; await_node b 28082
sleep 3
warm_node 27002 28081
for rep in $(seq 1 "$REPS"); do
  for w in "${W[@]}"; do
    label="${w%%|*}"; args=(${w#*|})
    record "$label (two nodes)" node "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench "${args[@]}" --port=27002 --http-port=28081 "${common[@]}" 2>/dev/null | tail -1)"
  done
done
kill "${PIDS[-1]}" "${PIDS[-2]}"; wait "${PIDS[-1]}" "${PIDS[-2]}" 2>/dev/null || true
fi

# Three replicas: the durable tasks exchange on a replica set of three nodes (every enqueue and ack committed on two
# of them, each fsynced), clients on node e's bridge.
SEEDS3=127.0.0.1:27810,127.0.0.1:27811,127.0.0.1:27812
start_node d 28083 27003 27810 "$SEEDS3" d,e,f
start_node e 28084 27004 27811 "$SEEDS3" d,e,f
start_node f 28085 27005 27812 "$SEEDS3" d,e,f
await_node d 28083; await_node e 28084; await_node f 28085
sleep 3
# One unrecorded run first, as for the peers below: three JVMs just started compile their hot paths meanwhile.
java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --durable=true --port=27004 --http-port=28084 --warmup=0s --duration=10s --quiet=1 >/dev/null 2>&1 || true
for rep in $(seq 1 "$REPS"); do
  label="W3d durable tasks, 1 producer, 3 workers, prefetch 10, 1 KiB"
  record "$label (three replicas)" node "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.Bench tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --durable=true --port=27004 --http-port=28084 "${common[@]}" 2>/dev/null | tail -1)"
done

# Three replicas of the peers: a RabbitMQ cluster of three (quorum queue, three members) and a NATS cluster of three
# (JetStream file storage, R3), every server on 127.0.0.1, the node's replica set still up but idle.
HOME="$WORK/rabbitmq" rabbitmqctl -n bench@localhost stop >/dev/null 2>&1 || true
kill "${PIDS[0]}" 2>/dev/null || true   # the single nats-server
for i in 1 2 3; do
  mkdir -p "$WORK/r$i"; echo "[]." > "$WORK/r$i/enabled_plugins"
  [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$WORK/r$i"
  (HOME="$WORK/rabbitmq" RABBITMQ_NODENAME="r$i@localhost" RABBITMQ_NODE_PORT=$((25680 + 10 * i)) \
    RABBITMQ_DIST_PORT=$((25681 + 10 * i)) RABBITMQ_MNESIA_BASE="$WORK/r$i/mnesia" RABBITMQ_LOG_BASE="$WORK/r$i/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$WORK/r$i/enabled_plugins" RABBITMQ_CONFIG_FILE="$WORK/r$i/rabbitmq" \
    rabbitmq-server > "$OUT/rabbitmq-r$i.log" 2>&1 &)
  cat > "$WORK/nats/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:$((24230 + i))
max_payload: 8MB
jetstream { store_dir: "$WORK/nats/js$i", max_memory_store: 1GB }
cluster { name: bench, listen: 127.0.0.1:$((26230 + i)), routes: [nats://127.0.0.1:26231, nats://127.0.0.1:26232, nats://127.0.0.1:26233] }
CONF
  nats-server -c "$WORK/nats/n$i.conf" > "$OUT/nats-n$i.log" 2>&1 &
  PIDS+=($!)
done
port_up() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
for i in 1 2 3; do for _ in $(seq 1 300); do port_up $((25680 + 10 * i)) && break; sleep 0.2; done; done
RABBIT3=yes
for i in 2 3; do
  { HOME="$WORK/rabbitmq" rabbitmqctl -n "r$i@localhost" stop_app \
    && HOME="$WORK/rabbitmq" rabbitmqctl -n "r$i@localhost" join_cluster r1@localhost \
    && HOME="$WORK/rabbitmq" rabbitmqctl -n "r$i@localhost" start_app; } >> "$OUT/rabbitmq-cluster.log" 2>&1 || RABBIT3=no
done
[ "$RABBIT3" = yes ] || echo "the RabbitMQ cluster of three did not form (see $OUT/rabbitmq-cluster.log)" | tee -a "$OUT/failures.log"
sleep 5   # JetStream's meta leader, RabbitMQ's cluster settle
label="W3d durable tasks, 1 producer, 3 workers, prefetch 10, 1 KiB"; args=(tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --durable=true)
# One unrecorded run of each, as for the node above.
java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25690 --warmup=0s --duration=10s --quiet=1 >/dev/null 2>&1 || true
java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --replicas=3 --port=24231 --warmup=0s --duration=10s --quiet=1 >/dev/null 2>&1 || true
for rep in $(seq 1 "$REPS"); do
  record "$label (three replicas)" rabbitmq "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25690 "${common[@]}" 2>/dev/null | tail -1)"
  record "$label (three replicas)" nats "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --replicas=3 --port=24231 "${common[@]}" 2>/dev/null | tail -1)"
done

# Two servers of each peer, for what a second node costs it: clients on one server, the serving side (responders,
# subscribers, workers, and the queues they declare) on another of the same cluster, so that every message crosses
# between the two, as the node's two-node rows cross its routes.
if [ "$ROWS" != durable ]; then
for rep in $(seq 1 "$REPS"); do
  for w in "${W[@]}"; do
    label="${w%%|*}"; args=(${w#*|})
    if [ "$RABBIT3" = yes ]; then
      record "$label (two nodes)" rabbitmq "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench rabbitmq "${args[@]}" --port=25690 --service-port=25700 "${common[@]}" 2>/dev/null | tail -1)"
    fi
    record "$label (two nodes)" nats "$(java -Xmx1g -cp "$CP" dev.messagingnode.bench.PeerBench nats "${args[@]}" --port=24231 --service-port=24232 "${common[@]}" 2>/dev/null | tail -1)"
  done
done
fi

java -cp "$CP" dev.messagingnode.bench.CompareReport "$RESULTS" | tee "$OUT/compare.md"
