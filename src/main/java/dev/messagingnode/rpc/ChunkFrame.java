package dev.messagingnode.rpc;

import dev.messagingnode.exchange.FrameCodec;
import io.vertx.core.buffer.Buffer;

/**
 * One frame of a chunked response, sent by the service straight to the requester's inbox.
 *
 * <pre>
 *   service                                   requester inbox
 *     | -- DATA seq=0 (request) ------------------> |   held until the reader takes it
 *     | -- DATA seq=1 (request) ------------------> |
 *     | <------------------- reply = one credit --- |   reader took seq=0
 *     | -- DATA seq=2 ...                           |   at most chunk-window unanswered
 *     | -- END or ERROR --------------------------> |
 * </pre>
 *
 * Each DATA frame is an event-bus request; its reply is the credit for one more chunk. A failed reply means the
 * requester cancelled (CANCELLED) or is gone (no handlers), and stops the stream. {@code window} tells the
 * requester how many chunks it may have to hold, {@code idleTimeoutMs} how long the service waits for credit.
 */
public record ChunkFrame(long requestId, Kind kind, long seq, int window, long idleTimeoutMs, Buffer data,
                         String detail) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<ChunkFrame> CODEC = FrameCodec.of(ChunkFrame.class,
        (f, out) -> out.int64(f.requestId()).name(f.kind()).int64(f.seq()).int32(f.window()).int64(f.idleTimeoutMs())
            .bytes(f.data()).string(f.detail()),
        in -> new ChunkFrame(in.int64(), in.name(Kind.class), in.int64(), in.int32(), in.int64(), in.bytes(),
            in.string()));

    public enum Kind { DATA, END, ERROR }
}
