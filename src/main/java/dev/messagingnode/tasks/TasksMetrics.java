package dev.messagingnode.tasks;

import dev.messagingnode.exchange.ExchangeMeters;
import dev.messagingnode.exchange.Failure;
import io.micrometer.core.instrument.Counter;
import java.util.function.Supplier;

/** Every state change of a task, counted (see {@link ExchangeMeters} for the tags). */
final class TasksMetrics {

    private final ExchangeMeters meters;
    final Counter enqueued;
    final Counter delivered;
    final Counter redelivered;
    final Counter acked;
    final Counter nacked;
    final Counter ackTimeouts;
    final Counter deadLettered;
    final Counter deadLetterFailed;

    TasksMetrics(ExchangeMeters meters) {
        this.meters = meters;
        enqueued = meters.counter("messaging.tasks.enqueued");
        delivered = meters.counter("messaging.tasks.delivered");
        redelivered = meters.counter("messaging.tasks.redelivered");
        acked = meters.counter("messaging.tasks.acked");
        nacked = meters.counter("messaging.tasks.nacked");
        ackTimeouts = meters.counter("messaging.tasks.ack-timeouts");
        deadLettered = meters.counter("messaging.tasks.dead-lettered");
        deadLetterFailed = meters.counter("messaging.tasks.dead-letter-failed");
    }

    void refused(Failure reason, String detail) {
        meters.refused("messaging.tasks.refused", reason, detail);
    }

    void gauges(TaskQueue queue, Supplier<Number> inFlight, Supplier<Number> delayed, Supplier<Number> workers) {
        for (int p = 0; p < TaskQueue.PRIORITIES; p++) {
            int priority = p;
            meters.gauge("messaging.tasks.queued", "priority", String.valueOf(p), () -> queue.size(priority));
        }
        meters.gauge("messaging.tasks.in-flight", inFlight);
        meters.gauge("messaging.tasks.delayed", delayed);
        meters.gauge("messaging.tasks.workers", workers);
    }
}
