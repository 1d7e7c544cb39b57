package dev.messagingnode.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The node's view of its cluster, as the rest of the node sees it: who is a member, and a handler for changes.
 * Only {@code cluster.jgroups} knows how membership is found and kept; a node that runs alone uses
 * {@link SingleNode}.
 */
public interface Cluster {

    /** This node's name, unique in the cluster. */
    String localNode();

    /** The current members, in the cluster's own order (the first is the coordinator). */
    List<String> members();

    /**
     * Where a member listens for the cluster's own traffic ({@code host:port}), as the transport knows it; null
     * when it does not (yet) know, or for a node alone.
     */
    default String address(String member) {
        return null;
    }

    /**
     * Since when (epoch milliseconds) this node has seen {@code member} in the view without a break: its own start
     * for itself; 0 for a node that is not a member.
     */
    long since(String member);

    /** True once this node has joined (or formed) its cluster, false again once it left. */
    boolean isJoined();

    /** Adds a handler called on every membership change, on a Vert.x context, with the new view. */
    Cluster membershipHandler(Handler<MembershipView> handler);

    /**
     * Sends a payload on a topic to one member (reliable, in order per sender); dropped when it is not a member. The
     * payload is read during the call only (a sender may write its next message into the same buffer).
     */
    void send(String node, String topic, Buffer payload);

    /** Sends a payload on a topic to every other member (reliable, in order per sender). */
    void broadcast(String topic, Buffer payload);

    /** Called, on a Vert.x context, for every payload another member sends on the topic. */
    Cluster messageHandler(String topic, Handler<ClusterMessage> handler);

    /**
     * As {@link #messageHandler}, but called on one of several contexts (event loops), chosen by sender: the topic's
     * payloads from one member stay in order, those of different members are handled on different cores.
     */
    default Cluster messageHandlerPerSender(String topic, Handler<ClusterMessage> handler) {
        return messageHandler(topic, handler);
    }

    /**
     * Messages to other members dropped at the bound of what may wait unacknowledged for one member (a member hung,
     * cut off or far behind): 0 where the implementation never drops.
     */
    default long droppedAtBound() {
        return 0;
    }

    /**
     * True when so much sent to {@code node} waits for its acknowledgement that a bulk sender should hold back; then
     * {@code whenClear} runs once, on some thread (it should only hand over to its own context), when that is no
     * longer so or the node left. False, and nothing kept, when it is not (always, where nothing is held).
     */
    default boolean backlogged(String node, Runnable whenClear) {
        return false;
    }

    /** How often a route to another member moved to the event loop that sends most to it: 0 without routes. */
    default long routeMoves() {
        return 0;
    }

    /** How often a bulk sender was told to wait for a backlogged route ({@link #backlogged}): 0 without routes. */
    default long routeBacklogWaits() {
        return 0;
    }

    /** Joins (or forms) the cluster. */
    Future<Void> start();

    /** Leaves the cluster gracefully, so the others need not wait for failure detection. */
    Future<Void> stop();
}
