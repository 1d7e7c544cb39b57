package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.List;

/**
 * How parties, clients and exchanges reach each other's addresses, on this node or another. Patterns send through
 * it instead of the event bus whenever the other side may live elsewhere: an address that another node must reach
 * is made {@link #reachable} ({@code address@node}); an exchange is reached through one of the nodes that host it.
 *
 * <p>A node alone uses {@link LocalTransport}; a cluster member installs its own for its Vert.x instance.
 */
public interface Transport {

    /** This node's name. */
    String node();

    /** A local address in the form other nodes can send to. */
    String reachable(String localAddress);

    void send(String address, Object frame);

    /** A request; the future carries the reply's body, or the ReplyException as the event bus would fail it. */
    Future<Object> request(String address, Object frame, long timeoutMs);

    /** The address of one node hosting the exchange (this one when it does); a local address when none is known. */
    String exchangeAddress(String exchange);

    /** One address per node hosting the exchange, so that a party can register with each. */
    List<String> exchangeAddresses(String exchange);

    /** The other members of the cluster (none for a node alone). */
    List<String> peers();

    /** The node in an address, or this node for a local address. */
    default String nodeOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? node() : address.substring(at + 1);
    }

    /**
     * True when the way to {@code address}'s node is backlogged: so much sent there waits for its acknowledgement
     * that a bulk sender (a chunked response) should hold its next message; then {@code whenClear} runs once, on some
     * thread (it should only hand over to its own context), when it is not, or the node left. False, and nothing
     * kept, otherwise: always for an address on this node.
     */
    default boolean backlogged(String address, Runnable whenClear) {
        return false;
    }

    /**
     * Calls the handler, on some context, with the name of every node that leaves the cluster; the returned action
     * stops it.
     */
    Runnable onNodeLeft(Handler<String> handler);

    /** The transport of this Vert.x instance: the one installed, or a local one. */
    static Transport of(Vertx vertx) {
        Holder h = map(vertx).get(Holder.KEY);
        return h != null ? h.transport : new LocalTransport(vertx);
    }

    /** Installs a transport for this Vert.x instance; do it before clients and exchanges are created. */
    static void install(Vertx vertx, Transport transport) {
        map(vertx).put(Holder.KEY, new Holder(transport));
    }

    private static LocalMap<String, Holder> map(Vertx vertx) {
        return vertx.sharedData().getLocalMap("messaging.transport");
    }

    /** Lets the transport sit in Vert.x's local shared data, which takes only values it may share. */
    final class Holder implements Shareable {
        static final String KEY = "transport";
        final Transport transport;

        Holder(Transport transport) {
            this.transport = transport;
        }
    }
}
