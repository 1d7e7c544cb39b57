/**
 * The bench command shipped with the node ({@link dev.messagingnode.bench.Bench}): drives a running node or cluster
 * over the TCP event bus bridge, like {@code nats bench} or RabbitMQ PerfTest, and prints throughput and latency
 * percentiles. It uses only the documented bridge protocol, so it measures what any remote client gets.
 */
package dev.messagingnode.bench;
