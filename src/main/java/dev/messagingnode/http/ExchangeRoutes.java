package dev.messagingnode.http;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.cluster.DirectoryEntry;
import dev.messagingnode.durable.DurableGroup;
import dev.messagingnode.exchange.AdminFrame;
import dev.messagingnode.exchange.DetailFrame;
import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeInfo;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.InfoFrame;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Transport;
import dev.messagingnode.node.MessagingNode;
import dev.messagingnode.tasks.TasksOptions;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /exchanges}: create, list, inspect and delete exchanges, wherever in the cluster they run. Listing asks
 * every hosting node how the exchange stands (parties, depth), each with a short timeout so that a slow node only
 * blanks its own figures.
 */
@ApplicationScoped
@Tag(name = "exchanges", description = "Create, list, inspect and delete exchanges")
public class ExchangeRoutes {

    private static final long INFO_TIMEOUT_MS = 1_000;
    private static final long ADMIN_TIMEOUT_MS = 30_000;

    private final MessagingNode node;
    private final MessagingClient client;
    private final Vertx vertx;

    public ExchangeRoutes(MessagingNode node, MessagingClient client, Vertx vertx) {
        this.node = node;
        this.client = client;
        this.vertx = vertx;
    }

    @Route(path = "/exchanges/:name", methods = HttpMethod.PUT, produces = "application/json")
    @Operation(summary = "Create an exchange", description = "Body: {\"pattern\": \"request-response|pubsub|sink|tasks\","
        + " \"options\": {\"key\": \"value\"}}. The same definition again is a no-op (200); another definition of"
        + " the name is a conflict (409).")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true, description = "exchange name")
    @RequestBody(required = true, description = "the exchange's pattern and options")
    @APIResponse(responseCode = "201", description = "created")
    @APIResponse(responseCode = "200", description = "already existed with this definition")
    @APIResponse(responseCode = "400", description = "bad name, unknown pattern, bad option or malformed JSON")
    @APIResponse(responseCode = "409", description = "the name is taken by another definition")
    void create(RoutingContext rc) {
        String name = rc.pathParam("name");
        ExchangeName.validate(name);
        JsonObject body = Bodies.json(rc);
        ExchangeDefinition definition = definition(name, body);
        checkDeadLetterExchange(definition);
        boolean existed = node.directory().get(name).isPresent() || node.registry().isDefined(name);
        client.createExchange(definition).onSuccess(v -> rc.response().setStatusCode(existed ? 200 : 201)
                .putHeader("Location", "/exchanges/" + name).putHeader("Content-Type", "application/json")
                .end(definitionJson(definition).encode()))
            .onFailure(t -> Problems.fail(rc, t));
    }

    @Route(path = "/exchanges", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "List the exchanges of the cluster", description = "Pattern, options, hosting nodes, and per"
        + " node the registered parties and the depth (queued tasks, buffered sink messages, requests in flight).")
    @Parameter(name = "detail", in = ParameterIn.QUERY, description = "true: per node also each party, the"
        + " exchange's series, activity counts (published, delivered, acked, refused, dropped), the pattern's state"
        + " and its last refusals")
    @APIResponse(responseCode = "200", description = "an array of exchanges, by name")
    void list(RoutingContext rc) {
        boolean detail = detailWanted(rc);
        List<DirectoryEntry> entries = new ArrayList<>(node.directory().entries().values());
        entries.sort(Comparator.comparing(e -> e.definition().name()));
        List<Future<JsonObject>> described = entries.stream().map(e -> describe(e, detail)).toList();
        Future.join(described).onComplete(ar -> {
            JsonArray out = new JsonArray();
            described.forEach(f -> out.add(f.result()));
            rc.response().putHeader("Content-Type", "application/json").end(out.encode());
        });
    }

    @Route(path = "/exchanges/:name", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "Describe one exchange")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @Parameter(name = "detail", in = ParameterIn.QUERY, description = "as for the list")
    @APIResponse(responseCode = "200", description = "the exchange")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void get(RoutingContext rc) {
        DirectoryEntry entry = entry(rc.pathParam("name"));
        describe(entry, detailWanted(rc)).onSuccess(json -> rc.response().putHeader("Content-Type", "application/json")
            .end(json.encode()));
    }

    @Route(path = "/exchanges/:name", methods = HttpMethod.DELETE)
    @Operation(summary = "Delete an exchange", description = "Every party attached to it gets exchange-down; what it"
        + " held (queued tasks, buffered messages) is dropped.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "204", description = "deleted on every node that hosted it")
    @APIResponse(responseCode = "404", description = "no such exchange")
    void delete(RoutingContext rc) {
        DirectoryEntry entry = entry(rc.pathParam("name"));
        Transport transport = Transport.of(vertx);
        List<Future<Object>> deleted = new ArrayList<>();
        for (String host : entry.hosts()) {
            deleted.add(transport.request(on(transport, host, Addresses.ADMIN), new AdminFrame.Delete(entry.definition().name()), ADMIN_TIMEOUT_MS)
                .recover(t -> t instanceof MessagingException m && m.failure() == Failure.NO_SUCH_EXCHANGE
                    ? Future.succeededFuture() : Future.failedFuture(t)));
        }
        Future.all(deleted).onSuccess(v -> rc.response().setStatusCode(204).end())
            .onFailure(t -> Problems.fail(rc, t));
    }

    private DirectoryEntry entry(String name) {
        ExchangeName.validate(name);
        return node.directory().get(name).orElseThrow(() -> new MessagingException(Failure.NO_SUCH_EXCHANGE,
            "no exchange named '" + name + "' in the cluster"));
    }

    private static boolean detailWanted(RoutingContext rc) {
        String detail = rc.request().getParam("detail");
        if (detail == null || detail.equals("false")) {
            return false;
        }
        if (!detail.equals("true")) {
            throw new MessagingException(Failure.INVALID, "'detail' must be true or false, not '" + detail + "'");
        }
        return true;
    }

    /**
     * The definition, the hosts, and per host how the exchange stands there. With {@code detail}, each host answers
     * a {@link DetailFrame} instead; the top level then also sums the activity counts, lists every party and merges
     * the last refusals (newest last), and a durable exchange names its replica set's leader and replicas.
     */
    private Future<JsonObject> describe(DirectoryEntry entry, boolean detail) {
        Transport transport = Transport.of(vertx);
        String name = entry.definition().name();
        List<Future<Object>> infos = new ArrayList<>();
        for (String host : entry.hosts()) {
            infos.add(transport.request(on(transport, host, Addresses.exchange(name)),
                detail ? new DetailFrame(name) : new InfoFrame(name), INFO_TIMEOUT_MS));
        }
        return Future.join(infos).transform(ar -> {
            JsonObject json = definitionJson(entry.definition()).put("hosts", new JsonArray(entry.hosts()));
            JsonArray nodes = new JsonArray();
            int parties = 0;
            long depth = 0;
            Totals totals = detail ? new Totals() : null;
            for (int i = 0; i < infos.size(); i++) {
                JsonObject n = new JsonObject().put("node", entry.hosts().get(i));
                Object answer = infos.get(i).succeeded() ? infos.get(i).result() : null;
                if (answer instanceof ExchangeInfo info) {
                    n.put("parties", info.parties()).put("depth", info.depth());
                    parties += info.parties();
                    depth += info.depth();
                } else if (answer instanceof JsonObject d) {
                    n.mergeIn(d);
                    parties += d.getInteger("parties", 0);
                    depth += d.getLong("depth", 0L);
                    totals.add(d);
                } else {
                    n.put("error", String.valueOf(infos.get(i).cause()));
                }
                nodes.add(n);
            }
            json.put("parties", parties).put("depth", depth).put("nodes", nodes);
            if (totals != null) {
                totals.into(json);
                replicaSet(entry, json);
            }
            return Future.succeededFuture(json);
        });
    }

    /** What the hosts' details add up to: counts summed, parties listed, refusals merged by time. */
    private static final class Totals {
        final JsonObject counts = new JsonObject();
        final JsonArray parties = new JsonArray();
        final List<JsonObject> refusals = new ArrayList<>();

        void add(JsonObject detail) {
            JsonObject c = detail.getJsonObject("counts", new JsonObject());
            for (String k : c.fieldNames()) {
                counts.put(k, counts.getLong(k, 0L) + c.getLong(k, 0L));
            }
            detail.getJsonArray("partyList", new JsonArray()).forEach(parties::add);
            detail.getJsonArray("refusals", new JsonArray()).forEach(r -> refusals.add(((JsonObject) r).copy()
                .put("node", detail.getString("node"))));
        }

        void into(JsonObject json) {
            refusals.sort(Comparator.comparingLong(r -> r.getLong("at", 0L)));
            json.put("counts", counts).put("partyList", parties).put("refusals", new JsonArray(new ArrayList<>(refusals)));
        }
    }

    /** A durable exchange lives on its replica set: the Raft leader runs it, the other members keep its log. */
    private void replicaSet(DirectoryEntry entry, JsonObject json) {
        DurableGroup group = node.durableGroup();
        if (group != null && node.isDurable(entry.definition())) {
            json.put("durable", true).put("leader", group.leader()).put("replicas", new JsonArray(group.members()));
        }
    }

    /** {@code address} on node {@code host}: plain when it is this node, {@code address@host} otherwise. */
    private static String on(Transport transport, String host, String address) {
        return host.equals(transport.node()) ? address : address + "@" + host;
    }

    static ExchangeDefinition definition(String name, JsonObject body) {
        Object pattern = body.getValue("pattern");
        if (!(pattern instanceof String p) || p.isBlank()) {
            throw new MessagingException(Failure.INVALID, "'pattern' is required: one of request-response, pubsub,"
                + " sink, tasks");
        }
        for (String field : body.fieldNames()) {
            if (!field.equals("pattern") && !field.equals("options") && !field.equals("name")) {
                throw new MessagingException(Failure.INVALID, "unknown field '" + field
                    + "'; an exchange has 'pattern' and 'options'");
            }
        }
        if (body.containsKey("name") && !name.equals(body.getValue("name"))) {
            throw new MessagingException(Failure.INVALID, "'name' in the body (" + body.getValue("name")
                + ") differs from the path (" + name + ")");
        }
        Object options = body.getValue("options");
        Map<String, String> opts = new LinkedHashMap<>();
        if (options != null) {
            if (!(options instanceof JsonObject o)) {
                throw new MessagingException(Failure.INVALID, "'options' must be an object");
            }
            for (Map.Entry<String, Object> e : o) {
                Object v = e.getValue();
                if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    throw new MessagingException(Failure.INVALID, "option '" + e.getKey()
                        + "' must be a string, number or boolean");
                }
                opts.put(e.getKey(), String.valueOf(v));
            }
        }
        return new ExchangeDefinition(name, p, opts);
    }

    /**
     * A dead-letter exchange must take tasks: a tasks or sink exchange. One that exists already is checked now;
     * one that does not yet exist may be created later (the tasks exchange counts each dead task it cannot hand over
     * in messaging_tasks_dead_letter_failed_total and logs it).
     */
    private void checkDeadLetterExchange(ExchangeDefinition definition) {
        String dlx = definition.options().get(TasksOptions.DEAD_LETTER_EXCHANGE);
        if (dlx == null || !definition.pattern().equals("tasks")) {
            return;
        }
        ExchangeName.validate(dlx);
        node.directory().get(dlx).map(e -> e.definition().pattern())
            .filter(p -> !p.equals("tasks") && !p.equals("sink"))
            .ifPresent(p -> {
                throw new MessagingException(Failure.INVALID, "option dead-letter-exchange names '" + dlx
                    + "', a " + p + " exchange; it must name a tasks or sink exchange");
            });
    }

    static JsonObject definitionJson(ExchangeDefinition d) {
        return new JsonObject().put("name", d.name()).put("pattern", d.pattern())
            .put("options", new JsonObject(new LinkedHashMap<>(d.options())));
    }
}
