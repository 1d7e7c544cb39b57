package dev.messagingnode.ops.health;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: every configured exchange runs, here or (single-owner ones) elsewhere; the data names the missing ones. */
@Readiness
@ApplicationScoped
public class ExchangesReadyCheck implements HealthCheck {

    private final MessagingNode node;

    public ExchangesReadyCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> missing = new ArrayList<>();
        for (ExchangeDefinition d : node.configuredExchanges()) {
            // Running here, or (a single-owner exchange) owned by another node of the cluster.
            if (!node.registry().isRunning(d.name()) && node.directory().get(d.name()).isEmpty()) {
                missing.add(d.name());
            }
        }
        return HealthCheckResponse.named("messaging-exchanges")
            .status(node.isStarted() && missing.isEmpty())
            .withData("running", node.registry().list().size())
            .withData("missing", String.join(",", missing))
            .build();
    }
}
