package dev.messagingnode.ops.metrics;

import dev.messagingnode.bridge.EventBusBridges;
import dev.messagingnode.http.ClientRoutes;
import dev.messagingnode.node.MessagingNode;
import dev.messagingnode.remote.RemoteParties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The node's own series, beside the per-exchange ones (tag {@code exchange}, {@code pattern}) that each exchange
 * registers: cluster members, directory size, bridge connections, remote parties, and deliveries the SSE
 * connections dropped for reading too slowly.
 */
@ApplicationScoped
public class NodeMetrics {

    void register(@Observes StartupEvent event, MeterRegistry registry, MessagingNode node, EventBusBridges bridges,
                  RemoteParties parties, ClientRoutes clientRoutes) {
        Gauge.builder("messaging.cluster.members", node, n -> n.cluster().members().size())
            .description("members of the cluster as this node sees them").register(registry);
        Gauge.builder("messaging.directory.exchanges", node, n -> n.directory().entries().size())
            .description("exchanges in the cluster directory").register(registry);
        Gauge.builder("messaging.bridge.connections", bridges, EventBusBridges::connections)
            .description("open TCP and SockJS bridge connections").register(registry);
        Gauge.builder("messaging.remote.parties", parties, RemoteParties::size)
            .description("services, workers and consumers held for HTTP programs and bridge clients")
            .register(registry);
        FunctionCounter.builder("messaging.cluster.route.dropped", node, n -> n.cluster().droppedAtBound())
            .description("messages to another member dropped because 64 MiB sent to it were not acknowledged")
            .register(registry);
        FunctionCounter.builder("messaging.cluster.route.moves", node, n -> n.cluster().routeMoves())
            .description("moves of a route to another member to the event loop that sends most to it")
            .register(registry);
        FunctionCounter.builder("messaging.cluster.route.backlog.waits", node, n -> n.cluster().routeBacklogWaits())
            .description("times a chunked response waited because 16 MiB sent to the requester's member were not"
                + " acknowledged")
            .register(registry);
        FunctionCounter.builder("messaging.http.sse.dropped", clientRoutes, ClientRoutes::edgeDrops)
            .description("deliveries dropped because an SSE subscriber's connection was full").register(registry);
    }
}
