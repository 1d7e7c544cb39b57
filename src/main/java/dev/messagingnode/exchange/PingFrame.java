package dev.messagingnode.exchange;

/**
 * The exchange's periodic check that a registered party still has a consumer. The party answers at once; what
 * matters is Vert.x's immediate "no handlers" failure, which means the party went away without unregistering
 * (its verticle was undeployed, its consumer unregistered).
 */
public record PingFrame(String exchange) {
}
