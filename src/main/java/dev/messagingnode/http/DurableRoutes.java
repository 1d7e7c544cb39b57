package dev.messagingnode.http;

import dev.messagingnode.durable.DurableGroup;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.MessagingNode;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /durable}: the replica set that durable exchanges live on, as this node sees it, and changing it at run
 * time (the role of {@code rabbitmq-queues add_member / delete_member}). A change is a command of the Raft log,
 * forwarded to the leader from whichever replica is asked.
 */
@ApplicationScoped
@Tag(name = "durable", description = "The replica set of durable exchanges")
public class DurableRoutes {

    /** A node name as Kubernetes and the cluster settings allow it. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?");

    private final MessagingNode node;

    public DurableRoutes(MessagingNode node) {
        this.node = node;
    }

    private DurableGroup group() {
        DurableGroup g = node.durableGroup();
        if (g == null) {
            throw new MessagingException(Failure.NOT_FOUND, "this node belongs to no replica set"
                + " (messaging.durable.members is not set)");
        }
        return g;
    }

    @Route(path = "/durable", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "The replica set", description = "Members, this node's role (leader, follower, learner,"
        + " electing, no-quorum), the leader and term, the members this node cannot reach, and the durable exchanges.")
    @APIResponse(responseCode = "200", description = "the replica set")
    @APIResponse(responseCode = "404", description = "this node belongs to no replica set")
    void describe(RoutingContext rc) {
        DurableGroup g = group();
        rc.response().putHeader("Content-Type", "application/json").end(json(g).encode());
    }

    @Route(path = "/durable/members/:name", methods = HttpMethod.PUT, produces = "application/json")
    @Operation(summary = "Add a replica", description = "Commits the node name as a member of the replica set; start"
        + " the node with the new list in messaging.durable.members (it is sent the log). Adding a member again is a"
        + " no-op (200).")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true, description = "the node name (Raft id)")
    @APIResponse(responseCode = "200", description = "the replica set after the change")
    @APIResponse(responseCode = "400", description = "not a node name")
    @APIResponse(responseCode = "503", description = "no leader or no majority: nothing changed")
    void add(RoutingContext rc) {
        DurableGroup g = group();
        String name = name(rc);
        if (g.members().contains(name)) {
            rc.response().putHeader("Content-Type", "application/json").end(json(g).encode());
            return;
        }
        answer(rc, g, g.addMember(name));
    }

    @Route(path = "/durable/members/:name", methods = HttpMethod.DELETE, produces = "application/json")
    @Operation(summary = "Remove a replica", description = "Commits the removal; the node's log is not needed any"
        + " more. The last member cannot be removed.")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true)
    @APIResponse(responseCode = "200", description = "the replica set after the change")
    @APIResponse(responseCode = "404", description = "not a member")
    @APIResponse(responseCode = "409", description = "the last member")
    @APIResponse(responseCode = "503", description = "no leader or no majority: nothing changed")
    void remove(RoutingContext rc) {
        DurableGroup g = group();
        String name = name(rc);
        List<String> members = g.members();
        if (!members.contains(name)) {
            throw new MessagingException(Failure.NOT_FOUND, "'" + name + "' is not a member of the replica set "
                + members);
        }
        if (members.size() == 1) {
            throw new MessagingException(Failure.CONFLICT, "'" + name + "' is the last member of the replica set;"
                + " its durable exchanges would have nowhere to live");
        }
        answer(rc, g, g.removeMember(name));
    }

    /** The replica set once the change committed (as committed: this node may apply it a moment later). */
    private void answer(RoutingContext rc, DurableGroup g, io.vertx.core.Future<List<String>> change) {
        change.onSuccess(members -> rc.response().putHeader("Content-Type", "application/json")
            .end(json(g).put("members", new JsonArray(members)).encode())).onFailure(t -> Problems.fail(rc, t));
    }

    private static String name(RoutingContext rc) {
        String name = rc.pathParam("name");
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new MessagingException(Failure.INVALID, "'" + name + "' is not a node name: letters, digits, '.',"
                + " '_' and '-', starting and ending with a letter or digit, at most 253");
        }
        return name;
    }

    private JsonObject json(DurableGroup g) {
        JsonArray exchanges = new JsonArray();
        for (ExchangeDefinition d : node.durableExchanges()) {
            exchanges.add(d.name());
        }
        String leader = g.leader();
        return new JsonObject().put("node", g.settings().node()).put("role", g.role())
            .put("leader", leader).put("term", g.term()).put("members", new JsonArray(g.members()))
            .put("unreachable", new JsonArray(g.unreachable())).put("fsync", g.fsyncs())
            .put("exchanges", exchanges);
    }
}
