package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;

/** The transport of a node alone: everything is on its own event bus. */
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
        return vertx.eventBus().request(address, frame, new DeliveryOptions().setSendTimeout(timeoutMs))
            .map(Message::body);
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
