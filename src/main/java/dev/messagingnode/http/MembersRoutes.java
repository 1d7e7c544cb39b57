package dev.messagingnode.http;

import dev.messagingnode.cluster.Cluster;
import dev.messagingnode.cluster.DirectoryEntry;
import dev.messagingnode.node.MessagingNode;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /members}: the cluster's members as this node sees them: where each listens for the cluster, since
 * when this node has seen it, whether it is ready (its announcement of its exchanges has reached this node; for this
 * node itself, that it has joined), and the exchanges each one hosts.
 */
@ApplicationScoped
@Tag(name = "members", description = "The cluster's members")
public class MembersRoutes {

    private final MessagingNode node;

    public MembersRoutes(MessagingNode node) {
        this.node = node;
    }

    @Route(path = "/members", methods = HttpMethod.GET, produces = "application/json")
    @Operation(summary = "The cluster's members", description = "Every member in the cluster's order (the first is"
        + " the coordinator), which one is this node, its cluster address, since when this node sees it, whether it is"
        + " ready, and the exchanges each hosts; a node alone is its own cluster.")
    @APIResponse(responseCode = "200", description = "the members")
    void members(RoutingContext rc) {
        Cluster cluster = node.cluster();
        Map<String, DirectoryEntry> entries = node.directory().entries();
        JsonArray members = new JsonArray();
        for (String name : cluster.members()) {
            TreeSet<String> hosted = new TreeSet<>();
            entries.forEach((exchange, entry) -> {
                if (entry.hosts().contains(name)) {
                    hosted.add(exchange);
                }
            });
            boolean self = name.equals(cluster.localNode());
            members.add(new JsonObject().put("name", name).put("self", self)
                .put("coordinator", name.equals(cluster.members().get(0))).put("address", cluster.address(name))
                .put("since", cluster.since(name))
                .put("ready", self ? cluster.isJoined() : node.directory().announced(name))
                .put("exchanges", new JsonArray(new java.util.ArrayList<>(hosted))));
        }
        rc.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("node", cluster.localNode()).put("joined", cluster.isJoined()).put("members", members).encode());
    }
}
