package dev.messagingnode.exchange;

/**
 * The exchange's periodic check that a registered party still has a consumer. The party answers at once; what
 * matters is Vert.x's immediate "no handlers" failure, which means the party went away without unregistering
 * (its verticle was undeployed, its consumer unregistered).
 */
public record PingFrame(String exchange) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<PingFrame> CODEC = FrameCodec.of(PingFrame.class,
        (f, out) -> out.string(f.exchange()),
        in -> new PingFrame(in.string()));
}
