package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * What a receiver gets: the exchange it came through, the sender's tag (its own correlation value, returned
 * unchanged on every reply), the message bytes and string headers. Immutable; the message buffer must not be
 * changed once sent, since the local event bus passes it by reference.
 */
public record Envelope(String exchange, String tag, Buffer message, Map<String, String> headers) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<Envelope> CODEC = FrameCodec.of(Envelope.class,
        (f, out) -> out.string(f.exchange()).string(f.tag()).bytes(f.message()).strings(f.headers()),
        in -> new Envelope(in.string(), in.string(), in.bytes(), in.strings()));

    public Envelope {
        message = message == null ? Buffer.buffer() : message;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static Envelope of(String exchange, String tag, Buffer message) {
        return new Envelope(exchange, tag, message, Map.of());
    }

    /** A reply to this envelope: same exchange, same tag, new message. */
    public Envelope reply(Buffer replyMessage) {
        return new Envelope(exchange, tag, replyMessage, Map.of());
    }
}
