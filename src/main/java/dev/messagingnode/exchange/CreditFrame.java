package dev.messagingnode.exchange;

/**
 * A party tells its exchange that it has handled {@code credits} more deliveries, so the exchange may send as many
 * again. This keeps what waits in a party's event-loop queue bounded by its window.
 */
public record CreditFrame(String partyId, int credits) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<CreditFrame> CODEC = FrameCodec.of(CreditFrame.class,
        (f, out) -> out.string(f.partyId()).int32(f.credits()),
        in -> new CreditFrame(in.string(), in.int32()));
}
