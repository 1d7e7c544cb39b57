package dev.messagingnode.remote;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.rpc.ServiceRequest;
import dev.messagingnode.tasks.Task;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * One unit of work held for a remote party until the remote program settles it: a request to answer, a task to ack
 * or nack, or a batch of sink messages to acknowledge. Settling is allowed once; the verbs a kind does not take are
 * refused with INVALID, a second settlement with NOT_HELD.
 */
public final class WorkItem {

    public enum Kind { REQUEST, TASK, MESSAGES }

    /** What a remote program may do with an item, by the name HTTP paths and bridge frames use. */
    public enum Action {
        REPLY("reply"), FAIL("fail"), ACK("ack"), NACK("nack"), IN_PROGRESS("in-progress");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public static Action of(String name) {
            for (Action a : values()) {
                if (a.wireName.equals(name)) {
                    return a;
                }
            }
            throw new MessagingException(Failure.INVALID, "unknown action '" + name
                + "'; one of reply, fail, ack, nack, in-progress");
        }
    }

    private final long id;
    private final Kind kind;
    private final ServiceRequest request;
    private final Task task;
    private final List<Delivery> messages;
    private final Promise<Void> acked = Promise.promise();
    private final Promise<Void> settled = Promise.promise();

    private WorkItem(long id, Kind kind, ServiceRequest request, Task task, List<Delivery> messages) {
        this.id = id;
        this.kind = kind;
        this.request = request;
        this.task = task;
        this.messages = messages;
    }

    static WorkItem request(long id, ServiceRequest request) {
        return new WorkItem(id, Kind.REQUEST, request, null, null);
    }

    static WorkItem task(long id, Task task) {
        return new WorkItem(id, Kind.TASK, null, task, null);
    }

    static WorkItem messages(long id, List<Delivery> messages) {
        return new WorkItem(id, Kind.MESSAGES, null, null, List.copyOf(messages));
    }

    public long id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /** True once settled, given back, or let go (a request whose client stopped waiting). */
    public boolean isSettled() {
        return settled.future().isComplete();
    }

    /** Completes once settled (or abandoned), whatever the outcome. */
    Future<Void> settled() {
        return settled.future();
    }

    /** For a sink batch: succeeds when the remote consumer acknowledges it. */
    Future<Void> acked() {
        return acked.future();
    }

    /**
     * The item as the remote program sees it (HTTP {@code next}, bridge push), its bodies raw: each surface puts them
     * in its own form ({@link MessageJson#textify} for JSON, segments for the bridge's binary framing).
     */
    public JsonObject describe(String partyId) {
        JsonObject json = new JsonObject().put("party", partyId).put("item", id)
            .put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        switch (kind) {
            case REQUEST -> MessageJson.putRawEnvelope(json, request.envelope());
            case TASK -> {
                MessageJson.putRawEnvelope(json, task.envelope());
                json.put("taskId", task.id()).put("priority", task.priority())
                    .put("deliveryCount", task.deliveryCount()).put("redelivered", task.redelivered())
                    .put("ackTimeoutMs", task.ackTimeout().toMillis());
            }
            case MESSAGES -> {
                JsonArray list = new JsonArray();
                for (Delivery d : messages) {
                    list.add(MessageJson.rawEnvelope(d.envelope()).put("dropped", d.dropped()));
                }
                json.put("exchange", messages.isEmpty() ? null : messages.get(0).exchange()).put("messages", list);
            }
        }
        return json;
    }

    /**
     * Settles the item. {@code message} is the reply body (REPLY) or the failure detail (FAIL); {@code delay} is the
     * optional redelivery delay of a NACK.
     */
    public Future<Void> settle(Action action, Buffer message, Duration delay) {
        if (!allows(action)) {
            return MessagingException.failed(Failure.INVALID, "item " + id + " is a " + kind.name().toLowerCase(
                java.util.Locale.ROOT) + ": " + verbs());
        }
        if (settled.future().isComplete()) {
            return MessagingException.failed(Failure.NOT_HELD, "item " + id + " is already settled");
        }
        Future<Void> done;
        try {
            done = switch (action) {
                case REPLY -> {
                    request.reply(message == null ? Buffer.buffer() : message);
                    yield Future.succeededFuture();
                }
                case FAIL -> {
                    request.fail(message == null || message.length() == 0 ? "the remote service failed the request"
                        : message.toString());
                    yield Future.succeededFuture();
                }
                case ACK -> kind == Kind.TASK ? task.ack() : ackMessages();
                case NACK -> delay == null ? task.nack() : task.nack(delay);
                case IN_PROGRESS -> task.inProgress();
            };
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        if (action != Action.IN_PROGRESS) {
            done = done.andThen(ar -> settled.tryComplete());
        }
        return done;
    }

    private Future<Void> ackMessages() {
        acked.tryComplete();
        return Future.succeededFuture();
    }

    /**
     * A request whose client has stopped waiting (it was told TIMED_OUT): true once it is let go, so that it no
     * longer counts against the party's limit and a late answer is refused with NOT_HELD.
     */
    boolean expired(long now) {
        return kind == Kind.REQUEST && now - request.deadlineNanos() > 0 && settled.tryComplete();
    }

    /** The remote program went away: give the work back. */
    void abandon(String why) {
        if (!settled.tryComplete()) {
            return;
        }
        switch (kind) {
            case REQUEST -> {
                if (!request.answered()) {
                    request.fail("the remote service went away: " + why);
                }
            }
            case TASK -> task.nack();
            case MESSAGES -> acked.tryFail(new MessagingException(Failure.CANCELLED, why));
        }
    }

    private boolean allows(Action action) {
        return switch (kind) {
            case REQUEST -> action == Action.REPLY || action == Action.FAIL;
            case TASK -> action == Action.ACK || action == Action.NACK || action == Action.IN_PROGRESS;
            case MESSAGES -> action == Action.ACK;
        };
    }

    private String verbs() {
        return switch (kind) {
            case REQUEST -> "reply or fail it";
            case TASK -> "ack, nack or mark it in-progress";
            case MESSAGES -> "ack it";
        };
    }
}
