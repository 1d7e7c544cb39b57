package dev.messagingnode.cluster.route;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * A member as its route sees it.
 *
 * @param name its node name (what messages from it say they are from)
 * @param id   its address in the view: a member that restarts comes back with another, and a route to the old one
 *             is refused by the new process
 * @param host where it listens, asked at each connection attempt (the transport may learn it after the view)
 * @param port the route port it announced
 */
public record RoutePeer(String name, UUID id, Supplier<String> host, int port) {
}
