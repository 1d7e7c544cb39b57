package dev.messagingnode.tasks;

import dev.messagingnode.exchange.DurableState;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;
import java.io.DataInput;
import java.io.IOException;

/**
 * The {@code tasks} pattern: prioritised work handed out to workers with prefetch, ack and redelivery; durable
 * (in the replica set's Raft log) unless created with {@code durable=false}.
 */
public final class TasksPattern implements ExchangePattern {

    public static final String NAME = "tasks";

    @Override
    public String name() {
        return NAME;
    }

    /** One queue, one owner: two copies would each hold part of the tasks. */
    @Override
    public boolean singleOwner() {
        return true;
    }

    @Override
    public TasksOptions validate(ExchangeDefinition definition) {
        return TasksOptions.from(definition);
    }

    @Override
    public boolean durable(Object validatedOptions) {
        return ((TasksOptions) validatedOptions).durable();
    }

    @Override
    public DurableState newDurableState(ExchangeDefinition definition, Object validatedOptions) {
        return new TaskLedger(definition.name());
    }

    @Override
    public DurableState readDurableState(ExchangeDefinition definition, Object validatedOptions, DataInput in)
        throws IOException {
        return TaskLedger.read(definition.name(), in);
    }

    @Override
    public java.util.List<dev.messagingnode.exchange.FrameCodec<?>> wireCodecs() {
        return java.util.List.of(TaskFrames.Enqueue.CODEC, TaskFrames.Delivery.CODEC, TaskFrames.Settle.CODEC);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new TasksExchange(definition, (TasksOptions) options, context);
    }
}
