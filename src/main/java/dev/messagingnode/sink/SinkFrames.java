package dev.messagingnode.sink;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.FrameCodec;
import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;
import java.util.List;

/** The frames of the sink pattern. */
final class SinkFrames {

    private SinkFrames() {
    }

    /** A producer's message. */
    record Send(Envelope envelope) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Send> CODEC = FrameCodec.of(Send.class,
            (f, out) -> out.record(f.envelope(), Envelope.CODEC),
            in -> new Send(in.record(Envelope.CODEC)));
    }

    /**
     * Up to batch-size messages for the active consumer; acknowledged by {@link Ack} with the same seq, sent to
     * {@code from} (the exchange on the node that delivered it).
     */
    record Batch(long seq, List<Delivery> deliveries, String from) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Batch> CODEC = FrameCodec.of(Batch.class,
            (f, out) -> out.int64(f.seq()).list(f.deliveries(), Delivery.CODEC).string(f.from()),
            in -> new Batch(in.int64(), in.list(Delivery.CODEC), in.string()));
    }

    /** The consumer handled a batch. */
    record Ack(String partyId, long seq) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Ack> CODEC = FrameCodec.of(Ack.class,
            (f, out) -> out.string(f.partyId()).int64(f.seq()),
            in -> new Ack(in.string(), in.int64()));
    }

    /** Tells a consumer that it is the active one now (it was standby, or the first to register). */
    record Activated(String exchange) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Activated> CODEC = FrameCodec.of(Activated.class,
            (f, out) -> out.string(f.exchange()),
            in -> new Activated(in.string()));
    }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), Send.class, Batch.class, Ack.class, Activated.class);
    }
}
