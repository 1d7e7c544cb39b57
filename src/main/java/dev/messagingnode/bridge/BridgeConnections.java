package dev.messagingnode.bridge;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open bridge connection of this node, TCP and SockJS together. Bound: {@code messaging.bridge.max-connections};
 * one more is told so and closed. One sweep a second checks all of them for idleness and write stalls (no timer per
 * connection).
 */
final class BridgeConnections {

    private final Vertx vertx;
    private final BridgeLimits limits;
    private final int maxConnections;
    private final Set<BridgeConnection> open = ConcurrentHashMap.newKeySet();
    private long sweep = -1;
    private volatile boolean closing;

    BridgeConnections(Vertx vertx, BridgeLimits limits, int maxConnections) {
        this.vertx = vertx;
        this.limits = limits;
        this.maxConnections = maxConnections;
    }

    BridgeLimits limits() {
        return limits;
    }

    /** A new connection on {@code transport}, or null at the bound. */
    BridgeConnection open(BridgeTransport transport) {
        if (closing || open.size() >= maxConnections) {
            return null;
        }
        BridgeConnection[] self = new BridgeConnection[1];
        self[0] = new BridgeConnection(vertx, transport, limits, () -> open.remove(self[0]));
        open.add(self[0]);
        return self[0];
    }

    String refusal() {
        return closing ? "shutting_down: the node is shutting down" : "too_many_connections: this node already has " + maxConnections
            + " bridge connections (messaging.bridge.max-connections)";
    }

    int size() {
        return open.size();
    }

    void startSweeping() {
        sweep = vertx.setPeriodic(1000, id -> {
            long now = System.nanoTime();
            open.forEach(c -> c.execute(() -> c.check(now)));
        });
    }

    /** Shutdown: every connection is told and closed, so what they opened is given back now. */
    void closeAll(String why) {
        closing = true;
        if (sweep >= 0) {
            vertx.cancelTimer(sweep);
        }
        List.copyOf(open).forEach(c -> c.execute(() -> c.problem(FrameProblem.fatal("shutting_down", why))));
    }
}
