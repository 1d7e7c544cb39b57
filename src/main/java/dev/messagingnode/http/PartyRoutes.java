package dev.messagingnode.http;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.MessagingNode;
import dev.messagingnode.remote.RemoteParties;
import dev.messagingnode.remote.RemoteParty;
import dev.messagingnode.remote.RemoteRole;
import dev.messagingnode.remote.WorkItem;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Services, workers and sink consumers written as plain HTTP programs. The program opens a party on an exchange,
 * long-polls {@code next} for work items, and settles each by id (reply / fail / ack / nack / in-progress). The party
 * holds a lease renewed by every call; when the program stops calling for longer than the lease, the party closes
 * and its work goes back: requests fail at once to their clients, tasks are redelivered to other workers, sink
 * batches go to the next consumer.
 */
@ApplicationScoped
@Tag(name = "parties", description = "Services, workers and sink consumers over HTTP (long poll + lease)")
public class PartyRoutes {

    private static final long SWEEP_MS = 500;

    private final RemoteParties parties;
    private final MessagingNode node;
    private final Vertx vertx;
    private final HttpApiConfig config;
    private final LongLivedResponses longLived;
    private long sweeper = -1;

    public PartyRoutes(RemoteParties parties, MessagingNode node, Vertx vertx, HttpApiConfig config,
                       LongLivedResponses longLived) {
        this.longLived = longLived;
        this.parties = parties;
        this.node = node;
        this.vertx = vertx;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep());
    }

    void onStop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(sweeper);
        parties.closeAll("the node is shutting down");
    }

    @Route(path = "/exchanges/:name/services", methods = HttpMethod.POST, produces = "application/json")
    @Operation(summary = "Register an HTTP program as a service of a request-response exchange")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "most unanswered requests held (default 16)")
    @Parameter(name = "lease", in = ParameterIn.QUERY, description = "lease, e.g. 30s (default messaging.http.default-lease)")
    @APIResponse(responseCode = "201", description = "the party: id, lease and links")
    @APIResponse(responseCode = "400", description = "not a request-response exchange, bad limit or lease")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void openService(RoutingContext rc) {
        open(rc, RemoteRole.SERVICE, 16);
    }

    @Route(path = "/exchanges/:name/workers", methods = HttpMethod.POST, produces = "application/json")
    @Operation(summary = "Register an HTTP program as a worker of a tasks exchange")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "prefetch", in = ParameterIn.QUERY, description = "most unacknowledged tasks held (default 1)")
    @Parameter(name = "lease", in = ParameterIn.QUERY, description = "lease, e.g. 30s")
    @APIResponse(responseCode = "201", description = "the party")
    @APIResponse(responseCode = "400", description = "not a tasks exchange, bad prefetch or lease")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void openWorker(RoutingContext rc) {
        open(rc, RemoteRole.WORKER, 1);
    }

    @Route(path = "/exchanges/:name/consumers", methods = HttpMethod.POST, produces = "application/json")
    @Operation(summary = "Register an HTTP program as a consumer of a sink exchange", description = "The first"
        + " consumer is active, later ones stand by.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "lease", in = ParameterIn.QUERY, description = "lease, e.g. 30s")
    @APIResponse(responseCode = "201", description = "the party")
    @APIResponse(responseCode = "400", description = "not a sink exchange, bad lease")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void openConsumer(RoutingContext rc) {
        open(rc, RemoteRole.CONSUMER, 1);
    }

    @Route(path = "/parties/:id", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "Describe a party (and renew its lease)")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "200", description = "the party")
    @APIResponse(responseCode = "404", description = "no such party (closed or expired)")
    void describe(RoutingContext rc) {
        RemoteParty party = party(rc);
        rc.response().putHeader("Content-Type", "application/json").end(json(party).encode());
    }

    @Route(path = "/parties/:id/next", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "Take the next work item, waiting for one up to 'wait'", description = "An item is JSON:"
        + " party, item (its id), kind (request, task or messages), exchange, tag, headers, message (text, or"
        + " base64 with encoding=base64); tasks add taskId, priority, deliveryCount, redelivered, ackTimeoutMs;"
        + " a sink batch has messages[] instead of message.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @Parameter(name = "wait", in = ParameterIn.QUERY, description = "longest wait, e.g. 20s (default 0: answer at once)")
    @APIResponse(responseCode = "200", description = "a work item")
    @APIResponse(responseCode = "204", description = "no item within 'wait'")
    @APIResponse(responseCode = "404", description = "no such party")
    void next(RoutingContext rc) {
        RemoteParty party = party(rc);
        Duration wait = Bodies.durationParam(rc, "wait", Duration.ZERO, config.maxPollWait());
        HttpInbox inbox = inbox(party);
        inbox.poll(party, rc, wait);
        longLived.track(rc, () -> inbox.timedOut(rc));
    }

    @Route(path = "/parties/:id/items/:item/:action", methods = HttpMethod.POST)
    @Operation(summary = "Settle a work item", description = "reply (body = the reply message) or fail (body = the"
        + " reason) a request; ack, nack (optional 'delay') or in-progress (more time) a task; ack a sink batch.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @Parameter(name = "item", in = ParameterIn.PATH, required = true)
    @Parameter(name = "action", in = ParameterIn.PATH, required = true,
        description = "reply, fail, ack, nack or in-progress")
    @Parameter(name = "delay", in = ParameterIn.QUERY, description = "for nack: redeliver after this delay")
    @APIResponse(responseCode = "204", description = "settled")
    @APIResponse(responseCode = "400", description = "an action this kind of item does not take")
    @APIResponse(responseCode = "404", description = "no such party")
    @APIResponse(responseCode = "409", description = "the item is no longer held (settled, timed out, given back)")
    @APIResponse(responseCode = "413", description = "the reply exceeds the exchange's max-message-bytes")
    void settle(RoutingContext rc) {
        RemoteParty party = party(rc);
        long itemId;
        try {
            itemId = Long.parseLong(rc.pathParam("item"));
        } catch (NumberFormatException e) {
            throw new MessagingException(Failure.INVALID, "item id must be a number, got '" + rc.pathParam("item") + "'");
        }
        WorkItem.Action action = WorkItem.Action.of(rc.pathParam("action"));
        Duration delay = Bodies.durationParam(rc, "delay", null, Duration.ofDays(1));
        party.item(itemId).settle(action, Bodies.buffer(rc), delay)
            .onSuccess(v -> rc.response().setStatusCode(204).end())
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/parties/:id", methods = HttpMethod.DELETE)
    @Operation(summary = "Close a party", description = "Unregisters it and gives back what it holds.")
    @Parameter(name = "id", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "204", description = "closed")
    @APIResponse(responseCode = "404", description = "no such party")
    void close(RoutingContext rc) {
        RemoteParty party = party(rc);
        parties.close(party.id(), "closed by its program").onComplete(ar -> rc.response().setStatusCode(204).end());
    }

    private void open(RoutingContext rc, RemoteRole role, int defaultLimit) {
        String exchange = rc.pathParam("name");
        ExchangeLookup.require(node, exchange, role.pattern());
        String limitName = role == RemoteRole.WORKER ? "prefetch" : "limit";
        int limit = Bodies.intParam(rc, limitName, defaultLimit, 1, RemoteParties.MAX_LIMIT);
        Duration lease = Bodies.durationParam(rc, "lease", config.defaultLease(), config.maxLease());
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MessagingException(Failure.INVALID, "lease must be at least 1s");
        }
        HttpInbox inbox = new HttpInbox(vertx, lease);
        RemoteParty party = parties.open(exchange, role, limit, inbox);
        party.registration().attached()
            .onSuccess(v -> rc.response().setStatusCode(201).putHeader("Location", "/parties/" + party.id())
                .putHeader("Content-Type", "application/json").end(json(party).encode()))
            .onFailure(t -> {
                parties.close(party.id(), "registration refused");
                Problems.fail(rc, t);
            });
    }

    private RemoteParty party(RoutingContext rc) {
        RemoteParty party = parties.get(rc.pathParam("id"));
        if (!(party.outlet() instanceof HttpInbox inbox)) {
            throw new MessagingException(Failure.NOT_FOUND, "party " + party.id() + " belongs to a bridge connection");
        }
        inbox.touch();
        return party;
    }

    private static HttpInbox inbox(RemoteParty party) {
        return (HttpInbox) party.outlet();
    }

    private JsonObject json(RemoteParty party) {
        String base = "/parties/" + party.id();
        return new JsonObject().put("party", party.id()).put("exchange", party.exchange())
            .put("role", party.role().wireName()).put("limit", party.limit())
            .put("state", party.registration().state().name().toLowerCase(java.util.Locale.ROOT))
            .put("held", party.heldCount()).put("waiting", inbox(party).waiting())
            .put("lease", inbox(party).lease().toString())
            .put("next", base + "/next").put("items", base + "/items/{item}/{action}");
    }

    private void sweep() {
        long now = System.nanoTime();
        for (RemoteParty party : parties.all()) {
            if (party.outlet() instanceof HttpInbox inbox && inbox.expired(now)) {
                parties.close(party.id(), "its lease of " + inbox.lease() + " expired");
            }
        }
    }
}
