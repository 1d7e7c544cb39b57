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
 * @param directAnswer from the client: its inbox takes a first answer that comes straight from the service's node,
 *                  ahead of the exchange's acceptance; from the exchange: the service should answer so (see
 *                  {@code RequestResponseExchange#dispatch}). False from a node of a release that did not know it.
 */
public record RequestFrame(long requestId, String inbox, Envelope envelope, long timeoutMs, RpcOptions options,
                           boolean directAnswer) {
    /**
     * Its wire form between nodes: add components only at the end (see {@link FrameCodec}). {@code directAnswer}
     * came after format 1, whose readers take a frame's components bare and would refuse one more: it is written
     * and read from format 2 on, where a reader of the release before skips it by the component count.
     */
    public static final FrameCodec<RequestFrame> CODEC = FrameCodec.of(RequestFrame.class,
        (f, out) -> {
            out.int64(f.requestId()).string(f.inbox()).record(f.envelope(), Envelope.CODEC)
                .int64(f.timeoutMs()).record(f.options(), RpcOptions.CODEC);
            if (out.format() >= 2) {
                out.bool(f.directAnswer());
            }
        },
        in -> new RequestFrame(in.int64(), in.string(), in.record(Envelope.CODEC), in.int64(),
            in.record(RpcOptions.CODEC), in.format() >= 2 && in.bool()));

    RequestFrame forService(RpcOptions exchangeOptions) {
        return new RequestFrame(requestId, inbox, envelope, timeoutMs, exchangeOptions, directAnswer);
    }

    /** The same request with {@code directAnswer} set as the exchange decided for one service. */
    RequestFrame answeredDirectly(boolean direct) {
        return direct == directAnswer ? this
            : new RequestFrame(requestId, inbox, envelope, timeoutMs, options, direct);
    }
}
