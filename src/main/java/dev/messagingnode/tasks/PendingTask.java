package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A task the exchange has accepted and not yet completed or dead-lettered, with the story of its deliveries. */
final class PendingTask {

    final long id;
    final Envelope envelope;
    final int priority;
    final JsonArray history = new JsonArray();
    int deliveries;
    String holder;
    String lastWorker;
    long deadlineNanos;
    long notBeforeNanos;
    /** "acked" or "dead-lettered" once the task is finished. */
    String finalOutcome;

    PendingTask(long id, Envelope envelope, int priority) {
        this.id = id;
        this.envelope = envelope;
        this.priority = priority;
    }

    void delivered(String worker) {
        deliveries++;
        holder = worker;
        history.add(new JsonObject().put("delivery", deliveries).put("worker", worker)
            .put("at", System.currentTimeMillis()));
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
