package dev.messagingnode.exchange;

/**
 * Asks an exchange, on one of its hosting nodes, how it stands: the answer is an {@link ExchangeInfo}. The HTTP
 * surface asks every host so that {@code GET /exchanges} shows services and depth per node.
 */
public record InfoFrame(String exchange) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<InfoFrame> CODEC = FrameCodec.of(InfoFrame.class,
        (f, out) -> out.string(f.exchange()),
        in -> new InfoFrame(in.string()));
}
