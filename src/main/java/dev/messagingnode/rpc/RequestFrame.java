package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;

/**
 * A request on its way from a client to the exchange, and from the exchange to one service.
 *
 * @param requestId the client's own id for it, unique within the client's inbox
 * @param inbox     where the service sends chunks and dialogue notices, and the exchange sends the reply
 * @param timeoutMs how long the client waits for the first answer; 0 means the exchange's default
 * @param options   the exchange's options, filled in by the exchange for the service (null from the client)
 */
public record RequestFrame(long requestId, String inbox, Envelope envelope, long timeoutMs, RpcOptions options) {

    RequestFrame forService(RpcOptions exchangeOptions) {
        return new RequestFrame(requestId, inbox, envelope, timeoutMs, exchangeOptions);
    }
}
