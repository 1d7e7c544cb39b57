package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.FrameCodec;

/** A publish on its way to the exchange; the exchange answers with the number of subscriptions it matched. */
public record PublishFrame(String key, Envelope envelope) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<PublishFrame> CODEC = FrameCodec.of(PublishFrame.class,
        (f, out) -> out.string(f.key()).record(f.envelope(), Envelope.CODEC),
        in -> new PublishFrame(in.string(), in.record(Envelope.CODEC)));
}
