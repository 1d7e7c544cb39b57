package dev.messagingnode.exchange;

/**
 * How one exchange stands on one node: its registered parties (services, subscribers, consumers or workers) and its
 * depth, the work waiting in it (queued tasks, buffered sink messages, requests in flight; 0 for pubsub).
 */
public record ExchangeInfo(String exchange, String node, int parties, long depth) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<ExchangeInfo> CODEC = FrameCodec.of(ExchangeInfo.class,
        (f, out) -> out.string(f.exchange()).string(f.node()).int32(f.parties()).int64(f.depth()),
        in -> new ExchangeInfo(in.string(), in.string(), in.int32(), in.int64()));
}
