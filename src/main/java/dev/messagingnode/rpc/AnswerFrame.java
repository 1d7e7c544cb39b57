package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.FrameCodec;

/** The client's turn in a dialogue: an answer to the service's question, or the end of the dialogue. */
public record AnswerFrame(Envelope envelope, boolean end) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<AnswerFrame> CODEC = FrameCodec.of(AnswerFrame.class,
        (f, out) -> out.record(f.envelope(), Envelope.CODEC).bool(f.end()),
        in -> new AnswerFrame(in.record(Envelope.CODEC), in.bool()));
}
