package dev.messagingnode.sink;

import dev.messagingnode.exchange.DurableState;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;
import java.io.DataInput;
import java.io.IOException;

/**
 * The {@code sink} pattern (inverted publish-subscribe): many producers, one consumer at a time; transient unless
 * created with {@code durable=true} (its buffer in the replica set's Raft log).
 */
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
    public boolean durable(Object validatedOptions) {
        return ((SinkOptions) validatedOptions).durable();
    }

    @Override
    public DurableState newDurableState(ExchangeDefinition definition, Object validatedOptions) {
        return new SinkLedger(definition.name(), (SinkOptions) validatedOptions);
    }

    @Override
    public DurableState readDurableState(ExchangeDefinition definition, Object validatedOptions, DataInput in)
        throws IOException {
        return SinkLedger.read(definition.name(), (SinkOptions) validatedOptions, in);
    }

    @Override
    public java.util.List<dev.messagingnode.exchange.FrameCodec<?>> wireCodecs() {
        return java.util.List.of(SinkFrames.Send.CODEC, SinkFrames.Batch.CODEC, SinkFrames.Ack.CODEC,
            SinkFrames.Activated.CODEC);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new SinkExchange(definition, (SinkOptions) options, context);
    }
}
