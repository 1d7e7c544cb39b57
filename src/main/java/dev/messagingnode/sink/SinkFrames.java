package dev.messagingnode.sink;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;
import java.util.List;

/** The frames of the sink pattern. */
final class SinkFrames {

    private SinkFrames() {
    }

    /** A producer's message. */
    record Send(Envelope envelope) {
    }

    /**
     * Up to batch-size messages for the active consumer; acknowledged by {@link Ack} with the same seq, sent to
     * {@code from} (the exchange on the node that delivered it).
     */
    record Batch(long seq, List<Delivery> deliveries, String from) {
    }

    /** The consumer handled a batch. */
    record Ack(String partyId, long seq) {
    }

    /** Tells a consumer that it is the active one now (it was standby, or the first to register). */
    record Activated(String exchange) {
    }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), Send.class, Batch.class, Ack.class, Activated.class);
    }
}
