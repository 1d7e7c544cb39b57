package dev.messagingnode.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** The cluster of a node that runs alone: itself, always. */
public final class SingleNode implements Cluster {

    private final String name;
    private volatile boolean joined;
    private volatile long startedAt;

    public SingleNode(String name) {
        this.name = name;
    }

    @Override
    public String localNode() {
        return name;
    }

    @Override
    public List<String> members() {
        return List.of(name);
    }

    @Override
    public long since(String member) {
        return member.equals(name) ? startedAt : 0;
    }

    @Override
    public boolean isJoined() {
        return joined;
    }

    @Override
    public Cluster membershipHandler(Handler<MembershipView> handler) {
        return this;
    }

    @Override
    public void broadcast(String topic, Buffer payload) {
        // nobody else to tell
    }

    @Override
    public void send(String node, String topic, Buffer payload) {
        // nobody else
    }

    @Override
    public Cluster messageHandler(String topic, Handler<ClusterMessage> handler) {
        return this;
    }

    @Override
    public Future<Void> start() {
        startedAt = System.currentTimeMillis();
        joined = true;
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        joined = false;
        return Future.succeededFuture();
    }
}
