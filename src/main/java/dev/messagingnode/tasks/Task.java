package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * One delivery of a task to a worker, and what the worker can say about it (the NATS vocabulary): {@link #ack()},
 * {@link #nack()}, {@link #nack(Duration)} and {@link #inProgress()}. Each answer's future fails with NOT_HELD when
 * the delivery is no longer this worker's (its ack timeout passed and the task went elsewhere), so a late ack never
 * completes a task twice.
 */
public final class Task {

    private static final long SETTLE_MS = 10_000;

    private final Vertx vertx;
    private final String workerId;
    private final TaskFrames.Delivery delivery;

    Task(Vertx vertx, String workerId, TaskFrames.Delivery delivery) {
        this.vertx = vertx;
        this.workerId = workerId;
        this.delivery = delivery;
    }

    /** The exchange's id for the task, the same across redeliveries. */
    public long id() {
        return delivery.taskId();
    }

    public Envelope envelope() {
        return delivery.envelope();
    }

    public Buffer message() {
        return delivery.envelope().message();
    }

    public int priority() {
        return delivery.priority();
    }

    /** 1 for the first delivery, 2 for the first redelivery, and so on. */
    public int deliveryCount() {
        return delivery.attempt();
    }

    public boolean redelivered() {
        return delivery.attempt() > 1;
    }

    /** How long the worker has to answer (or call {@link #inProgress()}) before the task is taken back. */
    public Duration ackTimeout() {
        return Duration.ofMillis(delivery.ackTimeoutMs());
    }

    /** The task is done. */
    public Future<Void> ack() {
        return settle(TaskFrames.Outcome.ACK, 0);
    }

    /** The task is not done: give it to another worker (where one is registered) now. */
    public Future<Void> nack() {
        return settle(TaskFrames.Outcome.NACK, 0);
    }

    /** The task is not done: give it back after {@code delay}. */
    public Future<Void> nack(Duration delay) {
        return settle(TaskFrames.Outcome.NACK, Math.max(0, delay.toMillis()));
    }

    /** Still working on it: the ack timeout starts again. */
    public Future<Void> inProgress() {
        return settle(TaskFrames.Outcome.IN_PROGRESS, 0);
    }

    private Future<Void> settle(TaskFrames.Outcome outcome, long delayMs) {
        String exchange = delivery.envelope().exchange();
        TaskFrames.Settle frame = new TaskFrames.Settle(workerId, id(), deliveryCount(), outcome, delayMs);
        return Transport.of(vertx).request(delivery.from(), frame, SETTLE_MS).<Void>mapEmpty()
            .recover(t -> Future.failedFuture(MessagingException.from(t, Failure.EXCHANGE_DOWN,
                "exchange '" + exchange + "' is gone; the task will not complete here")));
    }
}
