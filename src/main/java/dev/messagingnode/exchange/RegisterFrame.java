package dev.messagingnode.exchange;

import io.vertx.core.json.JsonObject;

/**
 * A party asks an exchange to register it. {@code role} says what it is ({@code service}, later {@code subscriber},
 * {@code worker}, {@code consumer}); {@code params} carries what the pattern needs (a routing key, a prefetch
 * limit). The exchange sends work and notices to {@code address}.
 */
public record RegisterFrame(String partyId, String address, String role, JsonObject params) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<RegisterFrame> CODEC = FrameCodec.of(RegisterFrame.class,
        (f, out) -> out.string(f.partyId()).string(f.address()).string(f.role()).json(f.params()),
        in -> new RegisterFrame(in.string(), in.string(), in.string(), in.json()));
}
