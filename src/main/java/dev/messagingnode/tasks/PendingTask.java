package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A task the exchange has accepted and not yet completed or dead-lettered, with the story of its deliveries. */
final class PendingTask {

    final long id;
    /** Null only in a {@link #finishedRecord}. */
    final Envelope envelope;
    final int priority;
    final JsonArray history = new JsonArray();
    int deliveries;
    String holder;
    String lastWorker;
    long deadlineNanos;
    long notBeforeNanos;
    /**
     * A durable task given back with a delay: the leader's wall-clock time before which it is not redelivered, kept
     * in the log so that a new leader honours what is left of the delay; 0 for none.
     */
    long notBeforeMillis;
    /** "acked" or "dead-lettered" once the task is finished. */
    String finalOutcome;

    PendingTask(long id, Envelope envelope, int priority) {
        this.id = id;
        this.envelope = envelope;
        this.priority = priority;
    }

    /** A delivery at a given time (the leader's clock; a replica takes it from the leader's command). */
    void delivered(String worker, long atMillis) {
        deliveries++;
        holder = worker;
        history.add(new JsonObject().put("delivery", deliveries).put("worker", worker).put("at", atMillis));
    }

    /** A copy that shares nothing mutable: the leader's verticle and the replicated state never share a task. */
    PendingTask copy() {
        PendingTask c = new PendingTask(id, envelope, priority);
        c.history.addAll(history.copy());
        c.deliveries = deliveries;
        c.holder = holder;
        c.lastWorker = lastWorker;
        c.notBeforeMillis = notBeforeMillis;
        return c;
    }

    /** The bytes this task counts against the node's {@code messaging.max-held-bytes}: its message. */
    long bytes() {
        return envelope.message().length();
    }

    /**
     * What a finished task leaves behind, for a late settle to be told what became of it: its story without its
     * message. An exchange remembers thousands of finished tasks, and with their messages (up to max-message-bytes
     * each) that memory would outgrow any heap.
     */
    PendingTask finishedRecord() {
        PendingTask r = new PendingTask(id, null, priority);
        r.history.addAll(history);
        r.deliveries = deliveries;
        r.holder = holder;
        r.lastWorker = lastWorker;
        r.finalOutcome = finalOutcome;
        return r;
    }

    /** Ends the current delivery with an outcome: acked, nacked, timed-out, worker-gone. */
    void ended(String outcome) {
        if (!history.isEmpty()) {
            history.getJsonObject(history.size() - 1).put("outcome", outcome);
        }
        lastWorker = holder;
        holder = null;
    }

    /** The last outcome, or null when none ended yet. */
    String lastOutcome() {
        return history.isEmpty() ? null : history.getJsonObject(history.size() - 1).getString("outcome");
    }
}
