package dev.messagingnode.exchange;

/**
 * How one exchange stands on one node: its registered parties (services, subscribers, consumers or workers) and its
 * depth, the work waiting in it (queued tasks, buffered sink messages, requests in flight; 0 for pubsub).
 */
public record ExchangeInfo(String exchange, String node, int parties, long depth) {
}
