package dev.messagingnode.bridge;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.pubsub.Subscription;
import dev.messagingnode.remote.MessageJson;
import dev.messagingnode.remote.Outlet;
import dev.messagingnode.remote.RemoteParties;
import dev.messagingnode.remote.RemoteParty;
import dev.messagingnode.remote.RemoteRole;
import dev.messagingnode.remote.WorkItem;
import dev.messagingnode.rpc.ChunkStream;
import dev.messagingnode.rpc.Reply;
import dev.messagingnode.rpc.RequestOptions;
import dev.messagingnode.rpc.RequestTags;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The JSON API that bridge clients use: one operation per {@code messaging.api.*} address, each answered with a
 * JSON reply or a failure whose code is the {@link Failure} wire code. The {@link BridgeProtocol} calls it directly
 * (no event-bus hop). Pushes to the client (deliveries, work items, chunks, notices) go to an address the connection
 * registered and named as {@code replyTo}, written by the {@link BridgeConnection} itself.
 */
final class BridgeApi {

    /** Chunks of one stream asked for and not yet written to its connection (see {@link #pump}). */
    static final int STREAM_AHEAD = 8;

    private final LoopClients clients;
    private final RemoteParties parties;
    private final Map<String, Reply> dialogues = new ConcurrentHashMap<>();
    private final Map<String, BiFunction<BridgeConnection, JsonObject, Future<JsonObject>>> operations = new HashMap<>();

    BridgeApi(LoopClients clients, RemoteParties parties) {
        this.clients = clients;
        this.parties = parties;
        on("request", this::request);
        on("answer", this::answer);
        on("end-dialogue", this::endDialogue);
        on("publish", (c, b) -> clients.current().publish(text(b, "exchange"), text(b, "key"),
            MessageJson.message(b), MessageJson.headers(b)).map(n -> new JsonObject().put("matched", n)));
        on("subscribe", this::subscribe);
        on("unsubscribe", (c, b) -> closeOwned(c, "subscription:", text(b, "subscription")));
        on("send", (c, b) -> clients.current().send(text(b, "exchange"), optionalText(b, "tag"),
            MessageJson.message(b), MessageJson.headers(b)).map(v -> new JsonObject()));
        on("enqueue", (c, b) -> clients.current().enqueue(text(b, "exchange"), optionalText(b, "tag"),
            MessageJson.message(b), integer(b, "priority", 0), MessageJson.headers(b))
            .map(id -> new JsonObject().put("id", id)));
        on("register", this::register);
        on("settle", this::settle);
        on("unregister", (c, b) -> closeOwned(c, "party:", text(b, "party")));
    }

    /** Calls one operation for connection {@code c}; every refusal comes back as a failed future. */
    Future<JsonObject> call(String operation, BridgeConnection c, JsonObject body) {
        BiFunction<BridgeConnection, JsonObject, Future<JsonObject>> handler = operations.get(operation);
        if (handler == null) {
            return MessagingException.failed(Failure.INVALID, "access_denied: no operation '" + operation + "'; one"
                + " of " + String.join(", ", new java.util.TreeSet<>(operations.keySet())));
        }
        try {
            return handler.apply(c, body);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * A publish with no confirmation ({@code publish} frame type), as in NATS core: only bad input (a name, a key,
     * the message) comes back; what the exchange refuses is dropped and counted there.
     */
    Future<Void> publishAndForget(JsonObject b) {
        try {
            return clients.current().publishAndForget(text(b, "exchange"), text(b, "key"), MessageJson.message(b),
                MessageJson.headers(b));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    // ---- request-response ---------------------------------------------------------------------------------

    private Future<JsonObject> request(BridgeConnection c, JsonObject b) {
        MessagingClient client = clients.current();
        String exchange = text(b, "exchange");
        String tag = optionalText(b, "tag");
        String replyTo = replyTo(c, b, false);
        Long timeoutMs = b.getValue("timeoutMs") == null ? null : (long) integer(b, "timeoutMs", 0);
        RequestOptions options = new RequestOptions(timeoutMs == null ? null : Duration.ofMillis(timeoutMs),
            MessageJson.headers(b));
        Promise<JsonObject> result = Promise.promise();
        client.request(exchange, tag == null ? RequestTags.generated() : tag, MessageJson.message(b), options,
            ar -> {
                if (ar.failed()) {
                    result.tryFail(ar.cause());
                } else {
                    try {
                        result.tryComplete(describe(c, ar.result(), replyTo));
                    } catch (MessagingException e) {
                        result.tryFail(e);
                    }
                }
            }).onFailure(result::tryFail);
        return result.future();
    }

    private Future<JsonObject> answer(BridgeConnection c, JsonObject b) {
        String replyTo = replyTo(c, b, false);
        Reply question = takeDialogue(c, text(b, "dialogue"));
        return question.answer(MessageJson.message(b)).map(next -> describe(c, next, replyTo));
    }

    private Future<JsonObject> endDialogue(BridgeConnection c, JsonObject b) {
        return takeDialogue(c, text(b, "dialogue")).end().map(v -> new JsonObject());
    }

    /** The open question of a dialogue this connection holds, taken out: each is answered or ended once. */
    private Reply takeDialogue(BridgeConnection c, String id) {
        Runnable owned = c.forget("dialogue:" + id);
        Reply question = dialogues.remove(id);
        if (owned == null || question == null) {
            throw new MessagingException(Failure.NOT_FOUND, "no open dialogue '" + id + "' on this connection");
        }
        return question;
    }

    private JsonObject describe(BridgeConnection c, Reply reply, String replyTo) {
        JsonObject json = new JsonObject().put("kind", reply.kind().name().toLowerCase(java.util.Locale.ROOT));
        switch (reply.kind()) {
            case MESSAGE -> MessageJson.putRawEnvelope(json, reply.envelope());
            case END -> json.put("tag", reply.tag());
            case QUESTION -> {
                String id = UUID.randomUUID().toString();
                dialogues.put(id, reply);
                c.opened("dialogue:" + id, () -> {
                    Reply q = dialogues.remove(id);
                    if (q != null) {
                        q.end();
                    }
                });
                reply.dialogueClosed().onComplete(ar -> {
                    dialogues.remove(id, reply);
                    c.forget("dialogue:" + id);
                });
                MessageJson.putRawEnvelope(json, reply.envelope()).put("dialogue", id);
            }
            case STREAM -> {
                if (replyTo == null) {
                    reply.stream().cancel();
                    throw new MessagingException(Failure.INVALID, "the service answered with a chunked stream;"
                        + " send 'replyTo' (a messaging.client.* address you registered) to receive chunks");
                }
                String id = UUID.randomUUID().toString();
                pump(c, reply.stream(), replyTo, id);
                json.put("tag", reply.tag()).put("stream", id);
            }
        }
        return json;
    }

    /**
     * Sends each chunk to the client. The stream lives on its client's inbox context and credits a chunk to the
     * service as soon as its handler has taken it, while the chunk is written on the connection's context: so the
     * stream is driven by demand, {@link #STREAM_AHEAD} chunks at a time, and each chunk the connection has written
     * (its write queue has room again) asks for one more. A slow or stopped reader therefore stops the service
     * after at most that many chunks past what the socket holds, however far behind the connection's context is;
     * each stream waits on its own, so none starves another.
     */
    private void pump(BridgeConnection c, ChunkStream stream, String replyTo, String id) {
        c.opened("stream:" + id, stream::cancel);
        long[] seq = {0};
        stream.pause();
        stream.handler(chunk -> c.execute(() -> {
            c.push(replyTo, MessageJson.putRaw(new JsonObject().put("stream", id).put("seq", seq[0]++), chunk));
            c.whenWritable(() -> stream.fetch(1));
        }));
        stream.fetch(STREAM_AHEAD);
        stream.endHandler(v -> c.execute(() -> {
            c.forget("stream:" + id);
            c.push(replyTo, new JsonObject().put("stream", id).put("end", true).put("chunks", seq[0]));
        }));
        stream.exceptionHandler(t -> c.execute(() -> {
            c.forget("stream:" + id);
            MessagingException m = MessagingException.from(t, Failure.SERVICE_FAILED, "stream failed");
            c.push(replyTo, new JsonObject().put("stream", id).put("error",
                new JsonObject().put("code", m.failure().code()).put("detail", m.detail())));
        }));
    }

    // ---- publish-subscribe --------------------------------------------------------------------------------

    private Future<JsonObject> subscribe(BridgeConnection c, JsonObject b) {
        MessagingClient client = clients.current();
        String exchange = text(b, "exchange");
        String pattern = text(b, "pattern");
        String replyTo = replyTo(c, b, true);
        long[] edgeDropped = {0};
        SubscriptionFrames[] frames = new SubscriptionFrames[1];
        Subscription subscription = client.subscribe(exchange, pattern, optionalText(b, "tag"), d -> c.execute(() -> {
            if (!c.deliver(frames[0], d, d.dropped() + edgeDropped[0])) {
                edgeDropped[0]++;
            }
        }));
        frames[0] = new SubscriptionFrames(replyTo, subscription.id());
        c.opened("subscription:" + subscription.id(), () -> {
            subscription.unregister();
            client.forget(subscription);
        });
        subscription.stateHandler(state -> {
            JsonObject notice = new JsonObject().put("subscription", subscription.id())
                .put("state", state.name().toLowerCase(java.util.Locale.ROOT));
            if (state == Registration.State.DETACHED || state == Registration.State.CLOSED) {
                notice.put("reason", subscription.detachedReason());
            }
            c.execute(() -> c.push(replyTo, notice));
        });
        return subscription.attached().map(v -> new JsonObject().put("subscription", subscription.id()))
            .recover(t -> {
                c.forget("subscription:" + subscription.id());
                subscription.unregister();
                client.forget(subscription);
                return Future.failedFuture(t);
            });
    }

    // ---- services, workers, consumers ---------------------------------------------------------------------

    private Future<JsonObject> register(BridgeConnection c, JsonObject b) {
        RemoteRole role = RemoteRole.of(text(b, "role"));
        String replyTo = replyTo(c, b, true);
        int limit = integer(b, role == RemoteRole.WORKER ? "prefetch" : "limit", role == RemoteRole.SERVICE ? 16 : 1);
        Outlet outlet = (party, item) -> c.execute(() -> c.push(replyTo, item.describe(party.id())));
        RemoteParty party = parties.open(text(b, "exchange"), role, limit, outlet);
        c.opened("party:" + party.id(), () -> parties.close(party.id(), "the bridge connection closed"));
        return party.registration().attached().map(v -> new JsonObject().put("party", party.id()))
            .recover(t -> {
                Runnable closer = c.forget("party:" + party.id());
                if (closer != null) {
                    closer.run();
                }
                return Future.failedFuture(t);
            });
    }

    private Future<JsonObject> settle(BridgeConnection c, JsonObject b) {
        String id = text(b, "party");
        if (!c.owns("party:" + id)) {
            throw new MessagingException(Failure.NOT_FOUND, "no party '" + id + "' on this connection");
        }
        WorkItem.Action action = WorkItem.Action.of(text(b, "action"));
        Buffer message = b.containsKey(MessageJson.MESSAGE) ? MessageJson.message(b) : null;
        Duration delay = b.getValue("delayMs") == null ? null : Duration.ofMillis(integer(b, "delayMs", 0));
        return parties.get(id).item(integer(b, "item", -1)).settle(action, message, delay).map(v -> new JsonObject());
    }

    private Future<JsonObject> closeOwned(BridgeConnection c, String kind, String id) {
        Runnable closer = c.forget(kind + id);
        if (closer == null) {
            throw new MessagingException(Failure.NOT_FOUND, "no " + kind.replace(":", "") + " '" + id
                + "' on this connection");
        }
        closer.run();
        return Future.succeededFuture(new JsonObject());
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private void on(String operation, BiFunction<BridgeConnection, JsonObject, Future<JsonObject>> handler) {
        operations.put(operation, handler);
    }

    /** What a failed operation tells the client: a MessagingException as it is, bad input as INVALID. */
    static MessagingException failure(Throwable t) {
        return t instanceof MessagingException me ? me
            : t instanceof ClassCastException || t instanceof IllegalArgumentException
                ? new MessagingException(Failure.INVALID, String.valueOf(t.getMessage()))
                : MessagingException.from(t, Failure.NO_SUCH_EXCHANGE, "no handler");
    }

    private static String text(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new MessagingException(Failure.INVALID, "'" + field + "' is required and must be a string");
        }
        return s;
    }

    private static String optionalText(JsonObject b, String field) {
        Object v = b.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw new MessagingException(Failure.INVALID, "'" + field + "' must be a string");
        }
        return (String) v;
    }

    private static int integer(JsonObject b, String field, int defaultValue) {
        Object v = b.getValue(field);
        if (v == null) {
            if (defaultValue < 0) {
                throw new MessagingException(Failure.INVALID, "'" + field + "' is required");
            }
            return defaultValue;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
            || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new MessagingException(Failure.INVALID, "'" + field + "' must be an integer");
        }
        return n.intValue();
    }

    private static String replyTo(BridgeConnection c, JsonObject b, boolean required) {
        String replyTo = required ? text(b, "replyTo") : optionalText(b, "replyTo");
        return replyTo == null ? null : c.requireRegistered(replyTo);
    }
}
