package dev.messagingnode.http;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.MessagingNode;
import dev.messagingnode.pubsub.RoutingKeys;
import dev.messagingnode.pubsub.Subscription;
import dev.messagingnode.remote.MessageJson;
import dev.messagingnode.rpc.Reply;
import dev.messagingnode.rpc.RequestOptions;
import dev.messagingnode.rpc.RequestTags;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What clients do over HTTP: requests (with chunked and dialogue replies), publishing and subscribing (SSE), sending
 * to sinks and enqueueing tasks. Each route is the Java API call of the same name, so refusals and their statuses
 * are the ones {@link Failure} documents.
 */
@ApplicationScoped
@Tag(name = "clients", description = "Requests, publish/subscribe, sink messages and tasks")
public class ClientRoutes {

    private final MessagingClient client;
    private final MessagingNode node;
    private final Vertx vertx;
    private final HttpApiConfig config;
    private final Dialogues dialogues;
    private final LongLivedResponses longLived;
    private final AtomicLong edgeDrops = new AtomicLong();

    public ClientRoutes(MessagingClient client, MessagingNode node, Vertx vertx, HttpApiConfig config,
                        LongLivedResponses longLived) {
        this.longLived = longLived;
        this.client = client;
        this.node = node;
        this.vertx = vertx;
        this.config = config;
        this.dialogues = new Dialogues(config.maxDialogues());
    }

    @Route(path = "/exchanges/:name/requests", methods = HttpMethod.POST)
    @Operation(summary = "Send a request and get its reply", description = "The body is the message; Messaging-Tag"
        + " comes back unchanged; Messaging-Header-* are message headers. A chunked response streams with chunked"
        + " transfer encoding, or as SSE events (chunk, end, error) when Accept is text/event-stream. A question"
        + " (dialogue) comes back with Messaging-Dialogue and a Location to POST the answer to.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "reply timeout, e.g. 500ms, 5s, PT5S")
    @APIResponse(responseCode = "200", description = "the reply (message, stream or question)")
    @APIResponse(responseCode = "204", description = "the service ended the dialogue without a message")
    @APIResponse(responseCode = "404", description = "no such exchange")
    @APIResponse(responseCode = "413", description = "the message exceeds the exchange's max-message-bytes")
    @APIResponse(responseCode = "429",
        description = "over capacity (max-in-flight, or the node holds messaging.max-held-bytes)")
    @APIResponse(responseCode = "502", description = "the service failed the request")
    @APIResponse(responseCode = "503", description = "no service registered")
    @APIResponse(responseCode = "504", description = "timed out")
    void request(RoutingContext rc) {
        String exchange = rc.pathParam("name");
        Duration timeout = Bodies.durationParam(rc, "timeout", null, Duration.ofHours(1));
        RequestOptions options = new RequestOptions(timeout, Bodies.headers(rc));
        String tag = Bodies.tag(rc);
        Context http = Vertx.currentContext();
        client.request(exchange, tag == null ? RequestTags.generated() : tag, Bodies.buffer(rc), options,
            ar -> {
                if (ar.failed()) {
                    Problems.fail(rc, ar.cause());
                } else if (rc.response().closed()) {
                    abandon(ar.result());
                } else {
                    writeReply(rc, ar.result(), http);
                }
            }).onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/dialogues/:id/answer", methods = HttpMethod.POST)
    @Operation(summary = "Answer a service's question", description = "The body is the answer; the response is the"
        + " service's next turn, as for a request.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "200", description = "the service's next turn")
    @APIResponse(responseCode = "404", description = "no such open dialogue")
    @APIResponse(responseCode = "504", description = "the service did not answer in time")
    void answer(RoutingContext rc) {
        Reply question = dialogues.take(rc.pathParam("id"));
        Context http = Vertx.currentContext();
        question.answer(Bodies.buffer(rc)).onSuccess(next -> writeReply(rc, next, http))
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/dialogues/:id", methods = HttpMethod.DELETE)
    @Operation(summary = "End a dialogue", description = "The service's pending question fails with ENDED.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "204", description = "ended")
    @APIResponse(responseCode = "404", description = "no such open dialogue")
    void endDialogue(RoutingContext rc) {
        dialogues.take(rc.pathParam("id")).end().onSuccess(v -> rc.response().setStatusCode(204).end())
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/exchanges/:name/publish/:key", methods = HttpMethod.POST, produces = "application/json")
    @Operation(summary = "Publish a message with a routing key", description = "Answers with the number of"
        + " subscriptions that matched.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "key", in = ParameterIn.PATH, required = true, description = "dot-separated words, no wildcards")
    @Parameter(name = "confirm", in = ParameterIn.QUERY, description = "false: fire and forget, answered 202 at once"
        + " (nothing the exchange refuses comes back); default true")
    @APIResponse(responseCode = "200", description = "{\"matched\": n}")
    @APIResponse(responseCode = "202", description = "with confirm=false: handed on, not confirmed")
    @APIResponse(responseCode = "400", description = "bad key, or not a pubsub exchange")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void publish(RoutingContext rc) {
        String confirm = rc.queryParams().get("confirm");
        if (confirm != null && !confirm.equals("true") && !confirm.equals("false")) {
            Problems.fail(rc, new dev.messagingnode.exchange.MessagingException(
                dev.messagingnode.exchange.Failure.INVALID, "confirm must be true or false, got '" + confirm + "'"));
            return;
        }
        if ("false".equals(confirm)) {
            client.publishAndForget(rc.pathParam("name"), rc.pathParam("key"), Bodies.buffer(rc), Bodies.headers(rc))
                .onSuccess(v -> rc.response().setStatusCode(202).end())
                .onFailure(t -> Problems.fail(rc, t));
            return;
        }
        client.publish(rc.pathParam("name"), rc.pathParam("key"), Bodies.buffer(rc), Bodies.headers(rc))
            .onSuccess(n -> rc.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("matched", n).encode()))
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/exchanges/:name/subscribe", methods = HttpMethod.GET, produces = "text/event-stream")
    @Operation(summary = "Subscribe, as a stream of server-sent events", description = "Events: 'message' (JSON:"
        + " key, tag, headers, message, dropped), 'attached' (again after exchange-down), 'exchange-down' (the"
        + " subscription waits and comes"
        + " back by itself), 'closed' (the exchange cut a slow subscriber off). Deliveries the connection cannot"
        + " take (its write queue is full) are dropped and counted in 'dropped'.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "key", in = ParameterIn.QUERY, required = true, description = "pattern: '*' one word, '#' any")
    @Parameter(name = "tag", in = ParameterIn.QUERY, description = "carried by every delivery")
    @APIResponse(responseCode = "200", description = "the event stream")
    @APIResponse(responseCode = "400", description = "bad pattern, or not a pubsub exchange")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void subscribe(RoutingContext rc) {
        String exchange = rc.pathParam("name");
        ExchangeLookup.require(node, exchange, "pubsub");
        String pattern = RoutingKeys.validatePattern(rc.request().getParam("key"));
        String tag = rc.request().getParam("tag");
        HttpServerResponse response = rc.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
            .putHeader("Cache-Control", "no-cache");
        response.write(Sse.comment("subscribed to " + exchange + " with " + pattern));
        long[] seq = {0};
        long[] dropped = {0};
        WriteStall stall = new WriteStall(vertx, response, config.writeStallTimeout(), "SSE subscription");
        // Deliveries are written on the response's own event loop: only there is writeQueueFull() exact (a write
        // from another thread is merely queued), so a client that does not read costs drops, not memory.
        Context http = Vertx.currentContext();
        Subscription subscription = client.subscribe(exchange, pattern, tag, delivery -> http.runOnContext(v -> {
            if (response.closed()) {
                return;
            }
            if (response.writeQueueFull()) {
                dropped[0]++;
                edgeDrops.incrementAndGet();
                stall.full(() -> { });
                return;
            }
            JsonObject event = MessageJson.envelope(delivery.envelope()).put("key", delivery.key())
                .put("dropped", delivery.dropped() + dropped[0]);
            response.write(Sse.event("message", String.valueOf(++seq[0]), event));
        }));
        subscription.stateHandler(state -> {
            if (response.closed()) {
                return;
            }
            switch (state) {
                case DETACHED -> response.write(Sse.event("exchange-down", null,
                    new JsonObject().put("reason", subscription.detachedReason())));
                case ATTACHED -> response.write(Sse.event("attached", null, new JsonObject()));
                case CLOSED -> response.end(Sse.event("closed", null,
                    new JsonObject().put("reason", subscription.detachedReason())));
                default -> { }
            }
        });
        long heartbeat = vertx.setPeriodic(config.sseHeartbeat().toMillis(), id -> {
            if (!response.closed()) {
                response.write(Sse.comment("heartbeat"));
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(heartbeat);
            subscription.unregister();
            client.forget(subscription);
        });
        longLived.track(rc, () -> response.end(Sse.event("closed", null,
            new JsonObject().put("reason", "the node is shutting down"))));
        subscription.attached().onFailure(t -> {
            MessagingException m = MessagingException.from(t, Failure.INVALID, "subscription refused");
            response.end(Sse.event("error", null, Problems.of(m.failure(), m.detail(), null)));
        });
    }

    @Route(path = "/exchanges/:name/messages", methods = HttpMethod.POST)
    @Operation(summary = "Send a message to a sink", description = "Answers once the exchange holds it.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "202", description = "held by the sink")
    @APIResponse(responseCode = "404", description = "no such exchange")
    @APIResponse(responseCode = "413", description = "too large")
    void send(RoutingContext rc) {
        client.send(rc.pathParam("name"), Bodies.tag(rc), Bodies.buffer(rc), Bodies.headers(rc))
            .onSuccess(v -> rc.response().setStatusCode(202).end())
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/exchanges/:name/tasks", methods = HttpMethod.POST, produces = "application/json")
    @Operation(summary = "Enqueue a task", description = "Answers at once with the task's id.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "priority", in = ParameterIn.QUERY, description = "0..9, higher first (default 0)")
    @APIResponse(responseCode = "202", description = "{\"id\": n}")
    @APIResponse(responseCode = "400", description = "bad priority, or not a tasks exchange")
    @APIResponse(responseCode = "404", description = "no such exchange")
    @APIResponse(responseCode = "429",
        description = "the queue holds max-queued tasks, or the node holds messaging.max-held-bytes")
    void enqueue(RoutingContext rc) {
        int priority = Bodies.intParam(rc, "priority", 0, 0, 9);
        client.enqueue(rc.pathParam("name"), Bodies.tag(rc), Bodies.buffer(rc), priority, Bodies.headers(rc))
            .onSuccess(id -> rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("id", id).encode()))
            .onFailure(t -> Problems.fail(rc, t));
    }

    /** Deliveries the SSE connections dropped because their clients read too slowly. */
    public long edgeDrops() {
        return edgeDrops.get();
    }

    /** {@code http}: the request's own event loop, where a streamed reply is written (see ReplyWriter). */
    private void writeReply(RoutingContext rc, Reply reply, Context http) {
        try {
            ReplyWriter.write(rc, reply, dialogues, config.writeStallTimeout(), http);
        } catch (MessagingException e) {
            Problems.fail(rc, e);
        }
    }

    /** The HTTP client left before its reply came: stop a stream, end a dialogue. */
    private static void abandon(Reply reply) {
        switch (reply.kind()) {
            case STREAM -> reply.stream().cancel();
            case QUESTION -> reply.end();
            default -> { }
        }
    }
}
