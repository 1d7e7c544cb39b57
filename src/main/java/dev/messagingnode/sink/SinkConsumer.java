package dev.messagingnode.sink;

import dev.messagingnode.exchange.Registration;

/**
 * A consumer of a sink exchange. Only one consumer of an exchange is active at a time; the others wait as standby,
 * in registration order, and the next takes over (with every unacknowledged message) when the active one goes.
 */
public interface SinkConsumer extends Registration {

    /** True while this consumer is the exchange's active one. */
    boolean isActive();
}
