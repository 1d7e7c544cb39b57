package dev.messagingnode.ops.health;

import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: the node started and is not shutting down (DOWN from SIGTERM on, so traffic drains before it exits). */
@Readiness
@ApplicationScoped
public class NodeReadyCheck implements HealthCheck {

    private final MessagingNode node;

    public NodeReadyCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        String state = node.isDraining() ? "draining" : node.isStarted() ? "serving" : "starting";
        return HealthCheckResponse.named("messaging-node")
            .status("serving".equals(state))
            .withData("node", node.cluster().localNode())
            .withData("state", state)
            .build();
    }
}
