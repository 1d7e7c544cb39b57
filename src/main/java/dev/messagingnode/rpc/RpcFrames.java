package dev.messagingnode.rpc;

import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;

/** Registers the local codecs of the request-response frames. */
final class RpcFrames {

    private RpcFrames() {
    }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), RequestFrame.class, ReplyFrame.class, ChunkFrame.class,
            AnswerFrame.class);
    }
}
