package dev.messagingnode.cluster;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Expandable;
import dev.messagingnode.exchange.LocalParties;
import dev.messagingnode.exchange.LocalRequests;
import dev.messagingnode.exchange.PendingRequests;
import dev.messagingnode.exchange.Transport;
import dev.messagingnode.exchange.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The transport of a cluster member: an address {@code address@node} of another node is reached over the cluster
 * (straight between the two nodes, over the route to that node; what the event loops send to one node within a turn
 * crosses as one cluster message, see {@link OutboundBatches}), anything else on the local event bus. On the
 * receiving node the frame is handed to its party or exchange as if sent there (through {@link LocalParties}, or the
 * local event bus for any other address), and a request's reply or failure goes back the same way, so exchanges,
 * services and clients behave as on one node. A request's deadline is kept by the requesting node alone.
 *
 * <pre>
 *   message := kind(1) correlation(8) timeoutMs(8) address(string) body
 *   kind    := SEND | REQUEST | REPLY | FAILURE; body of FAILURE := failure type(string) code(4) message(string)
 * </pre>
 *
 * When a node leaves, every request waiting on it fails at once as "no handlers", as if its consumer had gone.
 */
public final class ClusterTransport implements Transport {

    public static final String TOPIC = "bus";
    /**
     * The newest transport format this node reads, announced to the others: 1, a cluster message per transport
     * message; 2, also batches of them ({@link OutboundBatches}). A peer that announced none gets format 1.
     */
    public static final int TRANSPORT_FORMAT = 2;
    private static final Logger LOG = Logger.getLogger(ClusterTransport.class);
    private static final byte SEND = 1;
    private static final byte REQUEST = 2;
    private static final byte REPLY = 3;
    private static final byte FAILURE = 4;

    /** How often requests past their deadline are failed: one sweep for all of them, no timer per request. */
    static final long SWEEP_MS = PendingRequests.SWEEP_MS;

    /** Each sending thread's buffer for the message it writes: see the {@code transmit} that takes a frame. */
    private static final ThreadLocal<Buffer> SCRATCH = new ThreadLocal<>();
    static final int SCRATCH_KEPT_BYTES = 4 * 1024 * 1024;

    private final Vertx vertx;
    /** Sends and other nodes' requests to a party or exchange here go to it without the event bus. */
    private final LocalParties parties;
    private final LocalRequests localRequests;
    private final Cluster cluster;
    private final Directory directory;
    private final WireCodec codec;
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Requests to other nodes waiting for their answer. */
    private final PendingRequests pending = new PendingRequests();
    private final List<Handler<String>> nodeLeftHandlers = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> sentTo = new ConcurrentHashMap<>();
    private final OutboundBatches outbound;

    public ClusterTransport(Vertx vertx, Cluster cluster, Directory directory, WireCodec codec) {
        this.vertx = vertx;
        this.parties = LocalParties.of(vertx);
        this.localRequests = LocalRequests.of(vertx);
        this.cluster = cluster;
        this.directory = directory;
        this.codec = codec;
        this.outbound = new OutboundBatches(cluster, TOPIC, node -> directory.transportFormat(node) >= 2);
        // Requests, replies and chunks from other nodes: each member's on a context of its own (in order per sender).
        cluster.messageHandlerPerSender(TOPIC, m -> onReceived(m.from(), m.payload()));
        cluster.membershipHandler(view -> view.left().forEach(this::nodeLeft));
        vertx.setPeriodic(SWEEP_MS, t -> pending.sweep());
    }

    @Override
    public String node() {
        return cluster.localNode();
    }

    @Override
    public String reachable(String localAddress) {
        return localAddress.indexOf('@') >= 0 ? localAddress : localAddress + "@" + node();
    }

    @Override
    public void send(String address, Object frame) {
        String node = nodeOf(address);
        if (node.equals(node())) {
            sendHere(local(address), frame);
        } else {
            transmit(SEND, 0, 0, local(address), node, frame);
        }
    }

    /** Messages this node has sent to another, replies and credit included: what a benchmark or test may count. */
    public long sentTo(String node) {
        AtomicLong n = sentTo.get(node);
        return n == null ? 0 : n.get();
    }

    /** Cluster messages this node has sent to another: {@link #sentTo} less what travelled in batches. */
    public long clusterMessagesTo(String node) {
        return outbound.sentTo(node);
    }

    /**
     * Sends {@code node} a message: the envelope, then {@code frame} in the newest wire format that node reads (a
     * peer of the previous release: format 1). Both are written into this thread's scratch buffer, which
     * {@link Cluster#send} copies out of before it returns: a message costs one array of its own size (JGroups'),
     * not a buffer grown by doubling from a few bytes (a 1 MiB chunk grew one of 2 MiB) and a copy behind its
     * envelope. A scratch buffer grown past {@link #SCRATCH_KEPT_BYTES} is let go, so a thread that once sent a large
     * message does not keep its size.
     */
    private void transmit(byte kind, long id, long timeoutMs, String address, String node, Object frame) {
        Buffer b = SCRATCH.get();
        SCRATCH.set(null); // taken: a send from within this one (none is expected) gets a buffer of its own
        if (b == null) {
            b = Buffer.buffer(WireCodec.INITIAL_BYTES);
        } else {
            ((io.vertx.core.buffer.impl.BufferImpl) b).byteBuf().clear();
        }
        header(b, kind, id, timeoutMs, address);
        codec.encodeInto(b, frame, directory.wireFormat(node));
        transmit(node, b);
        if (((io.vertx.core.buffer.impl.BufferImpl) b).byteBuf().capacity() <= SCRATCH_KEPT_BYTES) {
            SCRATCH.set(b);
        }
    }

    private void transmit(String node, Buffer message) {
        sentTo.computeIfAbsent(node, k -> new AtomicLong()).incrementAndGet();
        outbound.send(node, message);
    }

    @Override
    public Future<Object> request(String address, Object frame, long timeoutMs) {
        String node = nodeOf(address);
        if (node.equals(node())) {
            return localRequests.request(local(address), frame, timeoutMs);
        }
        if (!cluster.members().contains(node)) {
            return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "node " + node + " is gone"));
        }
        // Answered on the context that asked, as a request on the local event bus is (see PendingRequests).
        PendingRequests.Opened request = pending.open(vertx, address, timeoutMs, node);
        long id = request.id();
        transmit(REQUEST, id, timeoutMs, local(address), node, frame);
        return request.answer();
    }

    @Override
    public boolean backlogged(String address, Runnable whenClear) {
        String node = nodeOf(address);
        return !node.equals(node()) && cluster.backlogged(node, whenClear);
    }

    @Override
    public String exchangeAddress(String exchange) {
        List<String> hosts = directory.get(exchange).map(DirectoryEntry::hosts).orElse(List.of());
        if (hosts.isEmpty() || hosts.contains(node())) {
            return Addresses.exchange(exchange);
        }
        String host = hosts.get(Math.floorMod(roundRobin.getAndIncrement(), hosts.size()));
        return Addresses.exchange(exchange) + "@" + host;
    }

    @Override
    public List<String> exchangeAddresses(String exchange) {
        List<String> hosts = directory.get(exchange).map(DirectoryEntry::hosts).orElse(List.of());
        List<String> out = new ArrayList<>();
        if (hosts.isEmpty() || hosts.contains(node())) {
            out.add(Addresses.exchange(exchange));
        }
        for (String host : hosts) {
            if (!host.equals(node())) {
                out.add(Addresses.exchange(exchange) + "@" + host);
            }
        }
        return out;
    }

    @Override
    public List<String> peers() {
        List<String> others = new ArrayList<>(cluster.members());
        others.remove(node());
        return others;
    }

    @Override
    public Runnable onNodeLeft(Handler<String> handler) {
        nodeLeftHandlers.add(handler);
        return () -> nodeLeftHandlers.remove(handler);
    }

    private void nodeLeft(String node) {
        outbound.forget(node);
        pending.failTo(node, () -> new ReplyException(ReplyFailure.NO_HANDLERS, "node " + node + " left the cluster"));
        for (Handler<String> h : nodeLeftHandlers) {
            h.handle(node);
        }
    }

    /** A cluster message from {@code from}: one transport message, or a batch of them, handled in order. */
    private void onReceived(String from, Buffer received) {
        if (!OutboundBatches.unbatch(received, message -> onMessage(from, message))) {
            LOG.warnf("a batch from %s ended in bytes that are not a message; the rest of it was dropped", from);
        }
    }

    private void onMessage(String from, Buffer message) {
        int[] pos = {0};
        byte kind = message.getByte(pos[0]++);
        long id = message.getLong(pos[0]);
        long timeoutMs = message.getLong(pos[0] + 8);
        pos[0] += 16;
        String address = readString(message, pos);
        // A view, not a copy: the message's bytes are this node's own (JGroupsCluster copies them out of
        // JGroups'), and decoding copies what a frame keeps (FrameReader.rawBytes).
        Buffer body = message.slice(pos[0], message.length());
        try {
            switch (kind) {
                case SEND -> deliverLocally(address, codec.decode(body));
                case REQUEST -> requestHere(address, codec.decode(body), new AnswerTo(from, id), timeoutMs);
                case REPLY -> complete(id, codec.decode(body), null);
                case FAILURE -> complete(id, null, readFailure(body));
                default -> LOG.warnf("unknown message kind %d from %s", kind, from);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not handle a message from %s for %s", from, address);
            if (kind == REQUEST) {
                new AnswerTo(from, id).fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, e.toString()));
            }
        }
    }

    /**
     * A request from another node, answered to it: straight to a party or exchange of this node (see
     * {@link LocalParties#request}; the requester keeps the deadline, so nothing here waits for it), else on the event
     * bus, which times it out at the requester's timeout.
     */
    private void requestHere(String address, Object frame, AnswerTo answer, long timeoutMs) {
        if (parties.request(address, frame, timeoutMs, answer)) {
            return;
        }
        vertx.eventBus().request(address, frame, new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)))
            .onComplete(ar -> {
                if (ar.succeeded()) {
                    answer.reply(ar.result().body());
                } else {
                    answer.fail(ar.cause());
                }
            });
    }

    /** The answer to request {@code id} of node {@code from}: a REPLY or FAILURE message back to it. */
    private final class AnswerTo implements LocalParties.Answer {
        private final String from;
        private final long id;

        AnswerTo(String from, long id) {
            this.from = from;
            this.id = id;
        }

        @Override
        public void reply(Object body) {
            transmit(REPLY, id, 0, "", from, body);
        }

        @Override
        public void fail(ReplyException failure) {
            fail((Throwable) failure);
        }

        void fail(Throwable t) {
            transmit(from, envelope(FAILURE, id, 0, "", failure(t)));
        }
    }

    /** Hands a frame from another node to the local event bus; an {@link Expandable} goes to each of its addresses. */
    private void deliverLocally(String address, Object frame) {
        if (frame instanceof Expandable e) {
            for (Map.Entry<String, Object> one : e.expand()) {
                sendHere(one.getKey(), one.getValue());
            }
        } else {
            sendHere(address, frame);
        }
    }

    /** To a local address: straight to a party of this node, else on the event bus. */
    private void sendHere(String address, Object frame) {
        if (!parties.send(address, frame)) {
            vertx.eventBus().send(address, frame);
        }
    }

    private void complete(long id, Object body, ReplyException failure) {
        if (failure != null) {
            pending.fail(id, failure);
        } else {
            pending.complete(id, body);
        }
    }

    private static Buffer failure(Throwable t) {
        ReplyException r = t instanceof ReplyException re ? re
            : new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, String.valueOf(t.getMessage()));
        Buffer b = Buffer.buffer();
        writeString(b, r.failureType().name());
        b.appendInt(r.failureCode());
        writeString(b, r.getMessage());
        return b;
    }

    private static ReplyException readFailure(Buffer b) {
        int[] pos = {0};
        ReplyFailure type = ReplyFailure.valueOf(readString(b, pos));
        int code = b.getInt(pos[0]);
        pos[0] += 4;
        return new ReplyException(type, code, readString(b, pos));
    }

    private static Buffer envelope(byte kind, long id, long timeoutMs, String address, Buffer body) {
        return header(Buffer.buffer(32 + body.length()), kind, id, timeoutMs, address).appendBuffer(body);
    }

    private static Buffer header(Buffer b, byte kind, long id, long timeoutMs, String address) {
        b.appendByte(kind).appendLong(id).appendLong(timeoutMs);
        writeString(b, address);
        return b;
    }

    private static void writeString(Buffer b, String s) {
        if (s == null) {
            b.appendInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.appendInt(bytes.length).appendBytes(bytes);
    }

    private static String readString(Buffer b, int[] pos) {
        int length = b.getInt(pos[0]);
        pos[0] += 4;
        if (length < 0) {
            return null;
        }
        String s = WireCodec.utf8(b, pos[0], length);
        pos[0] += length;
        return s;
    }

    private static String local(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }
}
