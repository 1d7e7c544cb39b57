package dev.messagingnode.ops.health;

import dev.messagingnode.durable.DurableGroup;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready: this node reaches a majority of its replica set (on the minority side of a partition it is not, and
 * refuses durable work with NO_QUORUM). The data says, per durable exchange, whether this node leads it, follows,
 * or has no quorum, and who leads.
 */
@Readiness
@ApplicationScoped
public class DurableReadyCheck implements HealthCheck {

    private final MessagingNode node;

    public DurableReadyCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        DurableGroup group = node.durableGroup();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("messaging-durable");
        if (group == null) {
            return b.up().withData("replicas", "none (messaging.durable.members is not set)").build();
        }
        String role = group.role();
        String leader = group.leader();
        b.status(group.hasQuorum() || "learner".equals(role))
            .withData("role", role)
            .withData("leader", leader == null ? "none" : leader)
            .withData("term", group.term())
            .withData("replicas", String.join(",", group.members()))
            .withData("unreachable", String.join(",", group.unreachable()));
        for (ExchangeDefinition d : node.durableExchanges()) {
            b.withData("exchange." + d.name(), role);
        }
        return b.build();
    }
}
