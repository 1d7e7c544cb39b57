package dev.messagingnode.sink;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;

/** The {@code sink} pattern (inverted publish-subscribe): many producers, one consumer at a time. */
public final class SinkPattern implements ExchangePattern {

    public static final String NAME = "sink";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SinkOptions validate(ExchangeDefinition definition) {
        return SinkOptions.from(definition);
    }

    @Override
    public java.util.List<Class<?>> wireTypes() {
        return java.util.List.of(SinkFrames.Send.class, SinkFrames.Batch.class, SinkFrames.Ack.class, SinkFrames.Activated.class);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new SinkExchange(definition, (SinkOptions) options, context);
    }
}
