package dev.messagingnode.ops.health;

import dev.messagingnode.cluster.DirectoryEntry;
import dev.messagingnode.node.MessagingNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.StringJoiner;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Shows the cluster directory as this node sees it: {@code name=pattern@host+host;...} (cut at 4,000 characters).
 * Always UP for now: what "in sync" means for readiness comes with the operations work.
 */
@Readiness
@ApplicationScoped
public class DirectoryReadyCheck implements HealthCheck {

    private static final int MAX_LISTING = 4000;

    private final MessagingNode node;

    public DirectoryReadyCheck(MessagingNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, DirectoryEntry> entries = node.directory().entries();
        StringJoiner listing = new StringJoiner(";");
        for (Map.Entry<String, DirectoryEntry> e : new java.util.TreeMap<>(entries).entrySet()) {
            listing.add(e.getKey() + "=" + e.getValue().definition().pattern() + "@"
                + String.join("+", e.getValue().hosts()));
        }
        String text = listing.toString();
        return HealthCheckResponse.named("messaging-directory").up()
            .withData("size", entries.size())
            .withData("entries", text.length() > MAX_LISTING ? text.substring(0, MAX_LISTING) + "..." : text)
            .build();
    }
}
