package dev.messagingnode.exchange;

/**
 * Asks an exchange, on one of its hosting nodes, for everything a person looks at: the answer is a JSON object
 * with its parties one by one, its series and activity counts ({@link ExchangeMeters#snapshot}), the pattern's
 * own state and its last refusals. {@code GET /exchanges?detail=true} asks every host; a node of the release
 * before this frame answers it with a failure, which blanks only that node's figures.
 */
public record DetailFrame(String exchange) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<DetailFrame> CODEC = FrameCodec.of(DetailFrame.class,
        (f, out) -> out.string(f.exchange()),
        in -> new DetailFrame(in.string()));
}
