package dev.messagingnode.remoteclient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One item a party of this client holds: a request for a service ({@link #reply} or {@link #fail}), a task for a
 * worker ({@link #ack}, {@link #nack}, {@link #inProgress}), or a batch of messages for a sink consumer
 * ({@link #ack}). Settled once; the node refuses a second settlement (NOT_HELD) and a verb the kind does not take
 * (INVALID). An item held when the connection is lost is the node's again (a task is redelivered at once).
 */
public final class RemoteWork extends Carried {

    public enum Kind { REQUEST, TASK, MESSAGES }

    private final RemoteClient client;
    private final String party;
    private final Kind kind;

    RemoteWork(RemoteClient client, String party, Map<String, Object> body) {
        super(body);
        this.client = client;
        this.party = party;
        this.kind = Kind.valueOf(String.valueOf(body.get("kind")).toUpperCase(java.util.Locale.ROOT));
    }

    public Kind kind() {
        return kind;
    }

    public String exchange() {
        return Fields.text(body, "exchange");
    }





    /** A task's id on its exchange. */
    public long taskId() {
        return Fields.number(body, "taskId", -1);
    }

    public int priority() {
        return (int) Fields.number(body, "priority", 0);
    }

    /** How many times this task was delivered before, this one included. */
    public int deliveryCount() {
        return (int) Fields.number(body, "deliveryCount", 1);
    }

    public boolean redelivered() {
        return Fields.flag(body, "redelivered");
    }

    /** A sink batch's messages. */
    public List<RemoteDelivery> messages() {
        List<RemoteDelivery> list = new ArrayList<>();
        if (body.get("messages") instanceof List<?> messages) {
            messages.forEach(m -> list.add(RemoteDelivery.of(Fields.object(m))));
        }
        return list;
    }

    public CompletableFuture<Void> reply(byte[] message) {
        return settle("reply", message, null);
    }

    /**
     * Replies without waiting for the node's confirmation (as a NATS responder publishes its answer): one frame
     * less per request; a refusal (the request timed out meanwhile: NOT_HELD) goes to {@link RemoteClient#onError}.
     */
    public void replyAndForget(byte[] message) {
        client.callAndForget("settle", settleBody("reply", message, null));
    }

    /** Acks without waiting for the node's confirmation (as RabbitMQ's basicAck); a refusal goes to onError. */
    public void ackAndForget() {
        client.callAndForget("settle", settleBody("ack", null, null));
    }

    /** Fails a request: the requester gets SERVICE_FAILED with {@code detail}. */
    public CompletableFuture<Void> fail(String detail) {
        return settle("fail", detail.getBytes(StandardCharsets.UTF_8), null);
    }

    public CompletableFuture<Void> ack() {
        return settle("ack", null, null);
    }

    /** Gives a task back, to be delivered again after {@code delay} (null: at once). */
    public CompletableFuture<Void> nack(Duration delay) {
        return settle("nack", null, delay);
    }

    /** Tells the exchange the task is still being worked on: its ack timeout starts again. */
    public CompletableFuture<Void> inProgress() {
        return settle("in-progress", null, null);
    }

    private CompletableFuture<Void> settle(String action, byte[] message, Duration delay) {
        return client.call("settle", settleBody(action, message, delay), 0).thenApply(answer -> null);
    }

    private Map<String, Object> settleBody(String action, byte[] message, Duration delay) {
        Map<String, Object> settle = new java.util.LinkedHashMap<>();
        settle.put("party", party);
        settle.put("item", body.get("item"));
        settle.put("action", action);
        if (message != null) {
            settle.put("message", message);
        }
        if (delay != null) {
            settle.put("delayMs", delay.toMillis());
        }
        return settle;
    }
}
