package dev.messagingnode.ops.health;

import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started: the node has joined (or formed) its cluster and created every exchange named in its configuration. */
@Startup
@ApplicationScoped
public class NodeStartedCheck implements HealthCheck {

    private final MessagingNode node;

    public NodeStartedCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("messaging-node-started")
            .status(node.isStarted() && node.cluster().isJoined())
            .withData("node", node.cluster().localNode())
            .withData("joined", node.cluster().isJoined())
            .withData("configuredExchanges", node.configuredExchanges().size())
            .build();
    }
}
