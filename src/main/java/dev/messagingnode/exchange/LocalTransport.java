package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The transport of a node alone: sends and requests to its parties and exchanges go to them directly
 * ({@link LocalParties}, {@link LocalRequests}), anything else on its event bus.
 */
public final class LocalTransport implements Transport {

    private final Vertx vertx;
    private final LocalParties parties;

    public LocalTransport(Vertx vertx) {
        this.vertx = vertx;
        this.parties = LocalParties.of(vertx);
    }

    @Override
    public String node() {
        return "local";
    }

    @Override
    public String reachable(String localAddress) {
        return localAddress;
    }

    @Override
    public void send(String address, Object frame) {
        if (!parties.send(address, frame)) {
            vertx.eventBus().send(address, frame);
        }
    }

    @Override
    public Future<Object> request(String address, Object frame, long timeoutMs) {
        return LocalRequests.of(vertx).request(address, frame, timeoutMs);
    }

    @Override
    public String exchangeAddress(String exchange) {
        return Addresses.exchange(exchange);
    }

    @Override
    public List<String> exchangeAddresses(String exchange) {
        return List.of(Addresses.exchange(exchange));
    }

    @Override
    public List<String> peers() {
        return List.of();
    }

    @Override
    public Runnable onNodeLeft(Handler<String> handler) {
        return () -> { }; // alone: nobody leaves
    }
}
