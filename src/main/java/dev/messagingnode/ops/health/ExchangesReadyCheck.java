package dev.messagingnode.ops.health;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready: every configured exchange runs on this node; the data names the missing ones. */
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
            if (!node.registry().isRunning(d.name())) {
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
