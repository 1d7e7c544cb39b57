package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;

/** The frames of the tasks pattern. */
final class TaskFrames {

    private TaskFrames() {
    }

    /** A producer's task; the exchange answers with the task id, or refuses. */
    record Enqueue(Envelope envelope, int priority) {
    }

    /**
     * One delivery of a task to a worker. {@code attempt} identifies this delivery in the worker's answer, which
     * goes to {@code from} (the exchange on the node that delivered it).
     */
    record Delivery(long taskId, int attempt, Envelope envelope, int priority, long ackTimeoutMs, String from) {
    }

    /** What a worker says about a delivery it holds. */
    record Settle(String workerId, long taskId, int attempt, Outcome outcome, long delayMs) {
    }

    enum Outcome { ACK, NACK, IN_PROGRESS }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), Enqueue.class, Delivery.class, Settle.class);
    }
}
