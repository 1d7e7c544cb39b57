package dev.messagingnode.cluster;

import dev.messagingnode.exchange.ExchangeDefinition;
import java.util.List;

/**
 * What the cluster knows of one exchange: its definition, the nodes that host it (the owner first), and when the
 * winning definition was created.
 */
public record DirectoryEntry(ExchangeDefinition definition, List<String> hosts, long createdAt) {
}
