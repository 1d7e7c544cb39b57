package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;

/**
 * A message handed to a subscriber or a sink consumer.
 *
 * @param envelope the message; its tag is the receiver's own (the subscription's or consumer's tag)
 * @param key      the routing key it was published with (empty for sinks)
 * @param dropped  how many messages the exchange has dropped for this receiver so far (slow-subscriber or
 *                 buffer policy), so a receiver sees its own losses
 * @param from     the address of the exchange (on the node) that delivered it, where credit and acks go back
 */
public record Delivery(Envelope envelope, String key, long dropped, String from) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<Delivery> CODEC = FrameCodec.of(Delivery.class,
        (f, out) -> out.record(f.envelope(), Envelope.CODEC).string(f.key()).int64(f.dropped()).string(f.from()),
        in -> new Delivery(in.record(Envelope.CODEC), in.string(), in.int64(), in.string()));

    public Buffer message() {
        return envelope.message();
    }

    public String tag() {
        return envelope.tag();
    }

    public String exchange() {
        return envelope.exchange();
    }
}
