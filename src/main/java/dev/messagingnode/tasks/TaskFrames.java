package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.FrameCodec;
import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;

/** The frames of the tasks pattern. */
final class TaskFrames {

    private TaskFrames() {
    }

    /** A producer's task; the exchange answers with the task id, or refuses. */
    record Enqueue(Envelope envelope, int priority) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Enqueue> CODEC = FrameCodec.of(Enqueue.class,
            (f, out) -> out.record(f.envelope(), Envelope.CODEC).int32(f.priority()),
            in -> new Enqueue(in.record(Envelope.CODEC), in.int32()));
    }

    /**
     * One delivery of a task to a worker. {@code attempt} identifies this delivery in the worker's answer, which
     * goes to {@code from} (the exchange on the node that delivered it).
     */
    record Delivery(long taskId, int attempt, Envelope envelope, int priority, long ackTimeoutMs, String from) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Delivery> CODEC = FrameCodec.of(Delivery.class,
            (f, out) -> out.int64(f.taskId()).int32(f.attempt()).record(f.envelope(), Envelope.CODEC)
                .int32(f.priority()).int64(f.ackTimeoutMs()).string(f.from()),
            in -> new Delivery(in.int64(), in.int32(), in.record(Envelope.CODEC), in.int32(), in.int64(),
                in.string()));
    }

    /** What a worker says about a delivery it holds. */
    record Settle(String workerId, long taskId, int attempt, Outcome outcome, long delayMs) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        static final FrameCodec<Settle> CODEC = FrameCodec.of(Settle.class,
            (f, out) -> out.string(f.workerId()).int64(f.taskId()).int32(f.attempt()).name(f.outcome())
                .int64(f.delayMs()),
            in -> new Settle(in.string(), in.int64(), in.int32(), in.name(Outcome.class), in.int64()));
    }

    enum Outcome { ACK, NACK, IN_PROGRESS }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), Enqueue.class, Delivery.class, Settle.class);
    }
}
