package dev.messagingnode.cluster.jgroups;

import dev.messagingnode.cluster.Cluster;
import dev.messagingnode.cluster.ClusterMessage;
import dev.messagingnode.cluster.ClusterSettings;
import dev.messagingnode.cluster.MembershipView;
import dev.messagingnode.cluster.route.RoutePeer;
import dev.messagingnode.cluster.route.Routes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.MergeView;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.MessageBatch;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP_NIO2;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * Cluster membership over JGroups. The protocol stack is built in code rather than read from XML, so that every
 * setting comes from the node's configuration and a native image needs no stack file.
 *
 * <p>Failure detection: FD_SOCK2 notices a member whose process died (its sockets close) within about a second;
 * FD_ALL3 suspects a member silent for {@code failure-detection-timeout} (a hung process, a cut network);
 * VERIFY_SUSPECT2 double-checks a suspicion for 500 ms before the member is excluded. MERGE3 heals partitions.
 */
public final class JGroupsCluster implements Cluster {

    private static final Logger LOG = Logger.getLogger(JGroupsCluster.class);
    private static final short RAFT_ID = protocolId(org.jgroups.protocols.raft.RAFT.class);
    private static final short REDIRECT_ID = protocolId(org.jgroups.protocols.raft.REDIRECT.class);
    private static final short ELECTION_ID = protocolId(org.jgroups.protocols.raft.ELECTION.class);

    private final Vertx vertx;
    private final Context context;
    private final ClusterSettings settings;
    private volatile List<String> members = List.of();
    private volatile boolean joined;
    /**
     * Views installed while {@code connect()} has not returned, held back until it has: a handler that reacts to
     * its first view by broadcasting (the directory announces itself to the members) would otherwise find the
     * channel not yet joined and its message dropped, and nobody would learn this node's exchanges until they
     * changed. Guarded by {@code this}, as is the hand-over to {@link #context} (views keep their order).
     */
    private List<Runnable> viewsBeforeJoined = new ArrayList<>();
    private final List<Handler<MembershipView>> handlers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Map<String, Address> addresses = Map.of();
    /** When each member entered the view, as this node saw it; a member that leaves and comes back starts again. */
    private final Map<String, Long> since = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Handler<ClusterMessage>> topics = new ConcurrentHashMap<>();
    /** Topics dispatched over {@link #inbound} by sender, not all on {@link #context}. */
    private final java.util.Set<String> perSender = ConcurrentHashMap.newKeySet();
    /**
     * One context per event loop for the per-sender topics: the cluster's inbound traffic (requests, replies,
     * chunks from other nodes) used to land on one event loop, so one core did all of it whatever the pod's size.
     */
    private final Context[] inbound;
    private JChannel channel;
    /**
     * The routes that carry the per-sender topics (the transport's traffic) straight between event loops, null when
     * {@code route-port} is -1. Each member announces its route port in its address ({@link #ROUTE_PORT_KEY}); a
     * member that announced none (a release before routes) is sent everything over JGroups, as before.
     */
    private final Routes routes;
    /** The routes of the current view's members, by name; a member without one is not in it. */
    private volatile Map<String, RoutePeer> routePeers = Map.of();
    /** The current view's members by address id, for the routes' check of who says HELLO. */
    private volatile Map<java.util.UUID, String> memberIds = Map.of();
    /** The key of a member's route port in its address ({@link ExtendedUUID}), which every member's view carries. */
    static final String ROUTE_PORT_KEY = "mn-route-port";
    /** Protocols stacked on top of ours (the replica set's Raft: ELECTION, RAFT, REDIRECT), and who binds them. */
    private final List<Protocol> top;
    private final java.util.function.Consumer<JChannel> beforeConnect;
    /** The previous view, to tell who joined and who left; touched only on {@link #context}. */
    private List<String> lastMembers = List.of();

    public JGroupsCluster(Vertx vertx, ClusterSettings settings) {
        this(vertx, settings, List.of(), c -> { });
    }

    /**
     * With {@code top} stacked above the cluster's own protocols (DESIGN: durable exchanges run "over the same
     * JGroups cluster"); {@code beforeConnect} is handed the channel before it joins, to bind them.
     */
    public JGroupsCluster(Vertx vertx, ClusterSettings settings, List<Protocol> top,
                          java.util.function.Consumer<JChannel> beforeConnect) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.inbound = new Context[io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE];
        for (int i = 0; i < inbound.length; i++) {
            inbound[i] = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
        }
        this.settings = settings;
        this.top = List.copyOf(top);
        this.beforeConnect = beforeConnect;
        this.routes = settings.routePort() < 0 ? null : new Routes(vertx, settings.name(), settings.nodeName(),
            id -> memberIds.get(id), this::routed);
    }

    /**
     * A message that came over a route, on the event loop that read it: a per-sender topic is handled there (that
     * loop reads this sender's route alone, in order); any other on {@link #context}, as over JGroups.
     */
    private void routed(String from, String topic, Buffer payload) {
        Handler<ClusterMessage> h = topics.get(topic);
        if (h == null) {
            return;
        }
        ClusterMessage m = new ClusterMessage(from, topic, payload);
        if (perSender.contains(topic)) {
            h.handle(m);
        } else {
            context.runOnContext(v -> h.handle(m));
        }
    }

    /** A protocol's id, registered by its class's static initializer (which a class literal does not run). */
    private static short protocolId(Class<?> protocol) {
        try {
            Class.forName(protocol.getName(), true, protocol.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return org.jgroups.conf.ClassConfigurator.getProtocolId(protocol);
    }

    @Override
    public long since(String member) {
        return since.getOrDefault(member, 0L);
    }

    /** The member's physical address from the transport's table (what TCP connects to). */
    @Override
    public String address(String member) {
        Address a = addresses.get(member);
        Object physical = a == null ? null : physical(a);
        return physical == null ? null : String.valueOf(physical);
    }

    /** A member's physical address from the transport's table, null while it does not know it. */
    private Object physical(Address member) {
        JChannel c = channel;
        return c == null ? null : c.down(new org.jgroups.Event(org.jgroups.Event.GET_PHYSICAL_ADDRESS, member));
    }

    /** The channel, for tests that inject partitions (DISCARD) into the stack. */
    JChannel channel() {
        return channel;
    }

    @Override
    public String localNode() {
        return settings.nodeName();
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public boolean isJoined() {
        return joined;
    }

    @Override
    public Cluster membershipHandler(Handler<MembershipView> handler) {
        handlers.add(handler);
        return this;
    }

    /**
     * Payload layout on the wire:
     * <pre>
     *   +--------+----------------+------------------+
     *   | 1 byte | topic (UTF-8)  | payload          |
     *   | length | length bytes   | rest of message  |
     *   +--------+----------------+------------------+
     * </pre>
     */
    @Override
    public void broadcast(String topic, Buffer payload) {
        transmit(null, topic, payload);
    }

    @Override
    public void send(String node, String topic, Buffer payload) {
        Address target = addresses.get(node);
        if (target == null) {
            LOG.debugf("dropped a message on %s for %s, which is not a member", topic, node);
            return;
        }
        if (routes != null && perSender.contains(topic)) {
            RoutePeer route = routePeers.get(node);
            if (route != null) {
                if (joined) {
                    routes.send(route, topic, payload);
                }
                return;
            }
        }
        transmit(target, topic, payload);
    }

    /**
     * A member's node name: its logical name, not the address's {@code toString}, which for an address that carries
     * keys (the route port, Raft's id) prints them too unless Raft's print function is installed.
     */
    static String name(Address a) {
        String name = org.jgroups.util.NameCache.get(a);
        return name != null ? name : String.valueOf(a);
    }

    @Override
    public boolean backlogged(String node, Runnable whenClear) {
        RoutePeer route = routes == null ? null : routePeers.get(node);
        return route != null && routes.backlogged(route, whenClear);
    }

    @Override
    public long routeMoves() {
        return routes == null ? 0 : routes.moves();
    }

    @Override
    public long routeBacklogWaits() {
        return routes == null ? 0 : routes.backlogWaits();
    }

    @Override
    public long droppedAtBound() {
        return routes == null ? 0 : routes.dropped();
    }

    /** The id a route knows a member by: its address's UUID. */
    private static java.util.UUID id(Address a) {
        org.jgroups.util.UUID u = (org.jgroups.util.UUID) a;
        return new java.util.UUID(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    /** The host a member's transport listens on, which its route shares; null while the transport does not know. */
    private String host(Address member) {
        return physical(member) instanceof org.jgroups.stack.IpAddress ip ? ip.getIpAddress().getHostAddress() : null;
    }

    private void transmit(Address target, String topic, Buffer payload) {
        JChannel c = channel;
        if (c == null || !joined) {
            return;
        }
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[1 + t.length + payload.length()];
        bytes[0] = (byte) t.length;
        System.arraycopy(t, 0, bytes, 1, t.length);
        payload.getBytes(0, payload.length(), bytes, 1 + t.length);
        try {
            c.send(new BytesMessage(target, bytes).setFlag(Message.TransientFlag.DONT_LOOPBACK));
        } catch (Exception e) {
            LOG.warnf(e, "sending on %s to %s failed", topic, target == null ? "all" : target);
        }
    }

    @Override
    public Cluster messageHandler(String topic, Handler<ClusterMessage> handler) {
        topics.put(topic, handler);
        return this;
    }

    @Override
    public Cluster messageHandlerPerSender(String topic, Handler<ClusterMessage> handler) {
        perSender.add(topic);
        return messageHandler(topic, handler);
    }

    private void onMessage(Message message) {
        Handoff h = handoff(message);
        if (h != null) {
            h.on().runOnContext(v -> h.run());
        }
    }

    /**
     * A batch JGroups read from one sender: the messages for each context are handed to it in one task, in their
     * order, rather than one task (and often one wake-up of the loop) per message.
     */
    private void onBatch(MessageBatch batch) {
        Context on = null;
        List<Handoff> run = new ArrayList<>();
        for (Message message : batch) {
            Handoff h;
            try {
                h = handoff(message);
            } catch (RuntimeException e) {
                // One message we cannot read costs that message, not the rest of its batch (as JGroups' own loop).
                LOG.warnf(e, "dropped a message from %s that could not be read", batch.sender());
                continue;
            }
            if (h == null) {
                continue;
            }
            if (h.on() != on && !run.isEmpty()) {
                submit(on, run);
                run = new ArrayList<>();
            }
            on = h.on();
            run.add(h);
        }
        if (!run.isEmpty()) {
            submit(on, run);
        }
    }

    private static void submit(Context on, List<Handoff> run) {
        if (run.size() == 1) {
            Handoff one = run.get(0);
            on.runOnContext(v -> one.run());
            return;
        }
        on.runOnContext(v -> {
            for (Handoff h : run) {
                try {
                    h.run();
                } catch (RuntimeException e) {
                    // As a task of its own would have: reported, and the next message still handled.
                    LOG.warnf(e, "a handler of topic %s failed on a message from %s", h.message().topic(),
                        h.message().from());
                }
            }
        });
    }

    /** A received message, its topic's handler and the context it runs on. */
    private record Handoff(Context on, Handler<ClusterMessage> handler, ClusterMessage message) {
        void run() {
            handler.handle(message);
        }
    }

    /** Where {@code message} is to be handled, or null when it is not ours (Raft's, or a topic nobody handles). */
    private Handoff handoff(Message message) {
        if (message.getHeader(RAFT_ID) != null || message.getHeader(REDIRECT_ID) != null
            || message.getHeader(ELECTION_ID) != null) {
            return null; // Raft's own traffic, from a member whose stack has it while ours does not
        }
        byte[] bytes = message.getArray();
        int offset = message.getOffset();
        int topicLength = bytes[offset] & 0xff;
        String topic = new String(bytes, offset + 1, topicLength, StandardCharsets.UTF_8);
        Handler<ClusterMessage> h = topics.get(topic);
        if (h == null) {
            return null;
        }
        int start = offset + 1 + topicLength;
        // A view of the message's own array, not a copy: JGroups reads every received message into an array of its
        // own and never reuses it (a 1 MiB chunk was copied here once more, each copy two G1 regions of a small heap).
        Buffer payload = Buffer.buffer(io.netty.buffer.Unpooled.wrappedBuffer(bytes, start,
            offset + message.getLength() - start));
        ClusterMessage m = new ClusterMessage(name(message.getSrc()), topic, payload);
        Context on = perSender.contains(topic) ? inbound[Math.floorMod(m.from().hashCode(), inbound.length)] : context;
        return new Handoff(on, h, m);
    }

    @Override
    public Future<Void> start() {
        return vertx.executeBlocking(() -> {
            channel = new JChannel(stack()).name(settings.nodeName());
            beforeConnect.accept(channel);
            if (routes != null) {
                int port = routes.listen(settings.bindAddress(), settings.routePort()).toCompletionStage()
                    .toCompletableFuture().get();
                byte[] announced = java.nio.ByteBuffer.allocate(4).putInt(port).array();
                channel.addAddressGenerator(
                    () -> ExtendedUUID.randomUUID(settings.nodeName()).put(ROUTE_PORT_KEY, announced));
                LOG.infof("routes to this node on %s:%d", settings.bindAddress(), port);
            }
            channel.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(View view) {
                    onView(view);
                }

                @Override
                public void receive(Message message) {
                    onMessage(message);
                }

                @Override
                public void receive(MessageBatch batch) {
                    onBatch(batch);
                }
            });
            channel.connect(settings.name());
            synchronized (this) {
                joined = true;
                List<Runnable> held = viewsBeforeJoined;
                viewsBeforeJoined = null;
                held.forEach(this::handOver);
            }
            LOG.infof("node %s joined cluster '%s' on %s:%d; members %s", settings.nodeName(), settings.name(),
                settings.bindAddress(), settings.bindPort(), members);
            return null;
        });
    }

    @Override
    public Future<Void> stop() {
        joined = false;
        JChannel c = channel;
        if (c == null) {
            return routes == null ? Future.succeededFuture() : routes.close();
        }
        return vertx.executeBlocking(() -> {
            c.close(); // disconnects first: the coordinator installs a view without us at once
            LOG.infof("node %s left cluster '%s'", settings.nodeName(), settings.name());
            return null;
        }).compose(v -> routes == null ? Future.<Void>succeededFuture() : routes.close());
    }

    private void onView(View view) {
        List<String> now = new ArrayList<>();
        Map<String, Address> byName = new java.util.HashMap<>();
        for (Address a : view.getMembers()) {
            now.add(name(a));
            byName.put(name(a), a);
        }
        long at = System.currentTimeMillis();
        since.keySet().retainAll(now);
        now.forEach(m -> since.putIfAbsent(m, at));
        members = List.copyOf(now);
        addresses = Map.copyOf(byName);
        if (routes != null) {
            updateRoutes(view);
        }
        handOver(() -> {
            Set<String> joinedNow = new LinkedHashSet<>(now);
            joinedNow.removeAll(lastMembers);
            Set<String> left = new LinkedHashSet<>(lastMembers);
            left.removeAll(now);
            lastMembers = List.copyOf(now);
            long viewId = view.getViewId().getId();
            MembershipView change = new MembershipView(viewId, List.copyOf(now), joinedNow, left,
                view instanceof MergeView);
            LOG.infof("cluster view %d: %s (joined %s, left %s%s)", viewId, now, joinedNow, left,
                change.merged() ? ", after a merge" : "");
            for (Handler<MembershipView> h : handlers) {
                h.handle(change);
            }
        });
    }

    /** The view's members' routes: who announced one, and where; routes to members gone are closed. */
    private void updateRoutes(View view) {
        Map<String, RoutePeer> peers = new java.util.HashMap<>();
        Map<java.util.UUID, String> ids = new java.util.HashMap<>();
        JChannel c = channel;
        Address self = c == null ? null : c.getAddress();
        if (self != null) {
            routes.localId(id(self));
        }
        for (Address a : view.getMembers()) {
            ids.put(id(a), name(a));
            if (a.equals(self) || !(a instanceof ExtendedUUID e) || !e.keyExists(ROUTE_PORT_KEY)) {
                continue;
            }
            int port = java.nio.ByteBuffer.wrap(e.get(ROUTE_PORT_KEY)).getInt();
            peers.put(name(a), new RoutePeer(name(a), id(a), () -> host(a), port));
        }
        memberIds = Map.copyOf(ids);
        routePeers = Map.copyOf(peers);
        routes.retain(ids.keySet());
    }

    /** Runs a view's handlers on {@link #context}: at once, or once {@code connect()} has returned. */
    private synchronized void handOver(Runnable view) {
        if (viewsBeforeJoined != null) {
            viewsBeforeJoined.add(view);
        } else {
            context.runOnContext(v -> view.run());
        }
    }

    /** Writes that may wait per connection for the socket to take them (TCP_NIO2's max_send_buffers; default 10). */
    static final int SEND_BUFFERS = 64;
    /** The longest message read from the cluster port (JGroups' max_length). */
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private Protocol[] stack() throws Exception {
        InetAddress bind = InetAddress.getByName(settings.bindAddress());
        long fdTimeout = settings.failureDetectionTimeout().toMillis();
        List<Protocol> stack = new ArrayList<>();
        // TCP_NODELAY: a request and its reply are small messages; Nagle's algorithm would hold each back until the
        // peer's delayed ACK (tens of milliseconds per round trip).
        // TCP_NIO2, not TCP: its connections never block a writer (connecting, and a write the socket cannot take
        // now, are finished by its selector thread), which is what lets an event loop write its own small messages
        // (SizeSplitBundler). A write that finds SEND_BUFFERS writes already waiting for a connection is dropped and
        // sent again by UNICAST3; at most that many messages (each under 64 KiB) wait per connection.
        TCP_NIO2 tcp = new TCP_NIO2().setMaxSendBuffers(SEND_BUFFERS);
        tcp.setBindAddress(bind).setBindPort(settings.bindPort()).setPortRange(0);
        tcp.tcpNodelay(true);
        // A length prefix is read before its message: unbounded, a stranger's 2 GiB prefix on the cluster port had
        // the selector thread (which reads every connection) allocate it. JGroups' own messages stay under 64 KiB
        // (fragments, bundles); a longer one closes its connection.
        tcp.setMaxLength(MAX_MESSAGE_BYTES);
        // Large messages go through one sending thread per destination (SizeSplitBundler). With one thread for all
        // (JGroups' default bundler), a member whose packets are dropped (a cut link, a firewall) held that thread
        // for every message to it, so nothing reached the healthy members either: their heartbeats stopped and the
        // majority's nodes suspected each other too. That is how "only the third's link is down" split a cluster
        // into three.
        tcp.setBundler(new SizeSplitBundler());
        // Regular messages go up on the thread that read them from the connection (TCP_NIO2's selector, which reads
        // every connection), not through JGroups' pool: all that thread then does with ours is hand them to an event
        // loop (a task per batch, see onBatch), and the pool's hand-off was one more wake-up per message on each
        // hop. Nothing else on that path waits either:
        // RAFT queues what it receives for its own thread, where the appends and their fsync run. Regular messages
        // from one member went up in order, one at a time, before too (the default policy allows one pool thread
        // per sender); OOB messages still go through the pool.
        tcp.setMessageProcessingPolicy("direct");
        stack.add(tcp);
        if (settings.discovery() == ClusterSettings.Discovery.DNS_PING) {
            stack.add(new DNS_PING().setDNSQuery(settings.dnsQuery()));
        } else {
            List<InetSocketAddress> seeds = new ArrayList<>();
            for (String seed : settings.seeds()) {
                int colon = seed.lastIndexOf(':');
                seeds.add(new InetSocketAddress(seed.substring(0, colon).trim(),
                    Integer.parseInt(seed.substring(colon + 1).trim())));
            }
            stack.add(new TCPPING().setInitialHosts(seeds).setPortRange(0));
        }
        stack.add(new MERGE3().setMinInterval(1000).setMaxInterval(5000));
        // FD_SOCK2 listens beside the transport (its port + 100) and names itself to the members it connects to by
        // its listening address. Left unset, that address is the wildcard's stand-in, this host's name resolved
        // (127.0.0.1 on a machine whose name maps there, as Debian's /etc/hosts does): every node on such hosts
        // then claimed the same address, a member's CONNECT-RSP went to whichever connection was filed under it
        // last, connects timed out and members were suspected all the time (three nodes in network namespaces,
        // PartitionIT, flapped so). Its own bind address, the transport's, names each node apart.
        // Its connects run on a thread of their own, not on the reader that installed the view (see the class).
        stack.add(new SocketFailureDetection().setBindAddress(bind));
        stack.add(new FD_ALL3().setTimeout(fdTimeout).setInterval(Math.max(100, fdTimeout / 4)));
        stack.add(new VERIFY_SUSPECT2().setTimeout(500));
        stack.add(new NAKACK2());
        // A sender keeps every message (every FRAG4 fragment of one) until the receiver acknowledges it; by default
        // a batch of fewer than 100 is acknowledged only at the next xmit_interval (500 ms). At 1 GB/s of 1 MiB
        // chunks that kept hundreds of MiB reachable on the sending node whatever the chunk stream's credit, and
        // three members in a 256 MiB heap ran out of it (ClusterChunkedHeapTest failed in about half its runs).
        // Batches of 5 or more are acknowledged at once; small messages arrive in larger batches under load, so it
        // costs them nothing measurable (two nodes: pub-sub and rpc unchanged or better, chunks +15 %).
        // Messages that go up one at a time are acknowledged at the next xmit_interval. Since the reader passes them
        // up itself ("direct" above) a chunk's fragments mostly arrive so, not queued into batches behind a busy pool
        // thread as before: at 500 ms the sender again kept hundreds of MiB (ClusterChunkedHeapTest ran out of its
        // heap). Every 50 ms bounds that to what crosses in 50 ms, for one small ack per member and interval.
        stack.add(new UNICAST3().setAckThreshold(5).setXmitInterval(50));
        stack.add(new STABLE());
        // A node alone waits join_timeout before it forms a cluster of its own: long enough for a busy coordinator to
        // answer; MERGE3 joins up any split that happens anyway.
        stack.add(new GMS().setJoinTimeout(3000).setLeaveTimeout(1000).printLocalAddress(false));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        stack.addAll(top);
        return stack.toArray(new Protocol[0]);
    }
}
