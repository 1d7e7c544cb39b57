package dev.messagingnode.exchange;

/** A party leaves an exchange on purpose. */
public record UnregisterFrame(String partyId) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<UnregisterFrame> CODEC = FrameCodec.of(UnregisterFrame.class,
        (f, out) -> out.string(f.partyId()),
        in -> new UnregisterFrame(in.string()));
}
