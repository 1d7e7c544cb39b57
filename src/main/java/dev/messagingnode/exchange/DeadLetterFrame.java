package dev.messagingnode.exchange;

/**
 * A message given up by a tasks exchange after its last delivery, on its way to the dead-letter exchange (a
 * {@code tasks} or {@code sink} exchange). The envelope's headers carry the history: {@code x-deliveries} (how many
 * times it was delivered), {@code x-death-reason} and {@code x-history} (a JSON array, one entry per delivery).
 */
public record DeadLetterFrame(Envelope envelope, int priority) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<DeadLetterFrame> CODEC = FrameCodec.of(DeadLetterFrame.class,
        (f, out) -> out.record(f.envelope(), Envelope.CODEC).int32(f.priority()),
        in -> new DeadLetterFrame(in.record(Envelope.CODEC), in.int32()));
}
