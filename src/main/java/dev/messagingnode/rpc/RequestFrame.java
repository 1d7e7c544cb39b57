package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.FrameCodec;

/**
 * A request on its way from a client to the exchange, and from the exchange to one service.
 *
 * @param requestId the client's own id for it, unique within the client's inbox
 * @param inbox     where the service sends chunks and dialogue notices, and the exchange sends the reply
 * @param timeoutMs how long the client waits for the first answer; 0 means the exchange's default
 * @param options   the exchange's options, filled in by the exchange for the service (null from the client)
 */
public record RequestFrame(long requestId, String inbox, Envelope envelope, long timeoutMs, RpcOptions options) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<RequestFrame> CODEC = FrameCodec.of(RequestFrame.class,
        (f, out) -> out.int64(f.requestId()).string(f.inbox()).record(f.envelope(), Envelope.CODEC)
            .int64(f.timeoutMs()).record(f.options(), RpcOptions.CODEC),
        in -> new RequestFrame(in.int64(), in.string(), in.record(Envelope.CODEC), in.int64(),
            in.record(RpcOptions.CODEC)));

    RequestFrame forService(RpcOptions exchangeOptions) {
        return new RequestFrame(requestId, inbox, envelope, timeoutMs, exchangeOptions);
    }
}
