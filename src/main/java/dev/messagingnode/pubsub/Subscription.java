package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.Registration;

/**
 * A subscription to a pubsub exchange. Like every registration it survives exchange-down and subscribes again when
 * the exchange returns; a subscriber disconnected for being slow is {@link Registration.State#CLOSED} for good, with
 * the reason in {@link #detachedReason()}.
 */
public interface Subscription extends Registration {

    /** The subscription pattern, e.g. {@code orders.*.eu} or {@code logs.#}. */
    String pattern();

    /** Deliveries the exchange dropped for this subscription so far, as of the last delivery received. */
    long dropped();
}
