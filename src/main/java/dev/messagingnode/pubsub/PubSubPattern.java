package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;

/** The {@code pubsub} pattern: publish by routing key, subscribe by pattern with '*' and '#'. */
public final class PubSubPattern implements ExchangePattern {

    public static final String NAME = "pubsub";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PubSubOptions validate(ExchangeDefinition definition) {
        return PubSubOptions.from(definition);
    }

    @Override
    public java.util.List<dev.messagingnode.exchange.FrameCodec<?>> wireCodecs() {
        return java.util.List.of(PublishFrame.CODEC, FanOutFrame.CODEC);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new PubSubExchange(definition, (PubSubOptions) options, context);
    }
}
