package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.Envelope;

/** A publish on its way to the exchange; the exchange answers with the number of subscriptions it matched. */
public record PublishFrame(String key, Envelope envelope) {
}
