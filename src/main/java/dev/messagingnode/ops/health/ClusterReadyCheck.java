package dev.messagingnode.ops.health;

import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: the node is a member of its cluster; the data lists the members this node sees. */
@Readiness
@ApplicationScoped
public class ClusterReadyCheck implements HealthCheck {

    private final MessagingNode node;

    public ClusterReadyCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("messaging-cluster")
            .status(node.cluster().isJoined())
            .withData("node", node.cluster().localNode())
            .withData("memberCount", node.cluster().members().size())
            .withData("members", String.join(",", node.cluster().members()))
            .build();
    }
}
