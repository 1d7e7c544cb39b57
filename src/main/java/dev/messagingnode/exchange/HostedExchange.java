package dev.messagingnode.exchange;

/**
 * An exchange running on this node, with the time it was created here (epoch milliseconds). When two nodes define
 * one name differently, the older definition wins everywhere (see the cluster directory).
 */
public record HostedExchange(ExchangeDefinition definition, long createdAt) {
}
