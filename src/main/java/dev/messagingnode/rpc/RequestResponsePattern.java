package dev.messagingnode.rpc;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;

/** The {@code request-response} pattern; chunked responses and dialogues are ways its services answer. */
public final class RequestResponsePattern implements ExchangePattern {

    public static final String NAME = "request-response";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RpcOptions validate(ExchangeDefinition definition) {
        return RpcOptions.from(definition);
    }

    @Override
    public java.util.List<dev.messagingnode.exchange.FrameCodec<?>> wireCodecs() {
        return java.util.List.of(RequestFrame.CODEC, ReplyFrame.CODEC, ChunkFrame.CODEC, AnswerFrame.CODEC);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new RequestResponseExchange(definition, (RpcOptions) options, context);
    }
}
