package dev.messagingnode.rpc;

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

    public enum Kind { DATA, END, ERROR }
}
