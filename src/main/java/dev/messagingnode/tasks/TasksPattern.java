package dev.messagingnode.tasks;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import io.vertx.core.Verticle;

/** The {@code tasks} pattern: prioritised work handed out to workers with prefetch, ack and redelivery. */
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
    public java.util.List<Class<?>> wireTypes() {
        return java.util.List.of(TaskFrames.Enqueue.class, TaskFrames.Delivery.class, TaskFrames.Settle.class,
            TaskReplicas.Frames.Add.class, TaskReplicas.Frames.Remove.class, TaskReplicas.Frames.Clear.class);
    }

    /** Every node keeps replicas of the tasks owners elsewhere accept, to take over with them. */
    @Override
    public void installNode(io.vertx.core.Vertx vertx) {
        TaskReplicas.install(vertx);
    }

    @Override
    public Verticle create(ExchangeDefinition definition, Object options, ExchangeContext context) {
        return new TasksExchange(definition, (TasksOptions) options, context);
    }
}
