package dev.messagingnode.cluster.route;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The node's routes: a TCP connection from this node to each other member, opened by the sender and read by an
 * event loop of the receiver, that carries the transport's traffic (requests, answers, deliveries, chunks), as NATS'
 * servers talk over routes. Membership, failure detection and Raft stay on JGroups; routes only carry.
 *
 * <p>Why: over JGroups each crossing went through its stack and its one selector thread, and was handed to an event
 * loop from there: ~45-65 µs a crossing on this project's 2-core machine against ~12-15 µs for a socket read by an
 * event loop (see {@code HopLatency} and BENCHMARKS.md). A route is read by the event loop that hands its messages
 * on, and written by whoever sends; its connection belongs to the loop that sends most to that member (it follows
 * it, see {@link OutboundRoute}), so that most writes are not handed from loop to loop.
 *
 * <p>What JGroups gave that a bare connection does not, and how a route keeps it: order per sender (one connection
 * at a time, numbered messages, {@link OutboundRoute}); nothing lost while the member is in the view (held until
 * acknowledged, written again after a reconnect); a bound and its outcome ({@link #MAX_HELD_BYTES} per member, past
 * it dropped and counted, never a wait); fragmentation (not needed: TCP is a stream; a frame is at most
 * {@link #MAX_FRAME_BYTES}). Every member's routes listen on one port ({@code messaging.cluster.route-port}, any free
 * one by default), announced to the others with this node's address in the view.
 */
public final class Routes {

    private static final Logger LOG = Logger.getLogger(Routes.class);

    /** Per member: bytes sent and not yet acknowledged; past it, messages to that member are dropped and counted. */
    public static final long MAX_HELD_BYTES = 64L * 1024 * 1024;
    /**
     * Unacknowledged bytes past which a route is backlogged: bulk senders (chunked responses) wait until it is under
     * half of it again (see {@link #backlogged}), so that only a member that stops acknowledging reaches
     * {@link #MAX_HELD_BYTES}.
     */
    public static final long BACKLOG_BYTES = MAX_HELD_BYTES / 4;
    /** The longest frame: the longest transport message (a chunk of up to 16 MiB and its envelope). */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024 + 64 * 1024;
    static final int ACK_EVERY_BYTES = 256 * 1024;
    static final long ACK_AFTER_MS = 20;
    static final long HELLO_TIMEOUT_MS = 5000;
    /** Route connections this node accepts at once: two per member (one being replaced) is what members use. */
    public static final int MAX_CONNECTIONS = 256;
    /** A route moves to the event loop that sent three quarters of its messages over this long (OutboundRoute). */
    static final long FOLLOW_WINDOW_MS = 1000;
    /** ... and only when the window had at least this many: a quiet route is not worth a new connection. */
    static final int FOLLOW_MIN_SENDS = 1000;
    /** ... and at most this much is unacknowledged, which a move writes again. */
    static final long FOLLOW_MAX_HELD_BYTES = 1024 * 1024;
    /** Turned-away connections are reported at WARN at most this often (see {@link #turnedAway}). */
    private static final long TURNED_AWAY_WARN_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    /** Where routes hand what they receive: on the receiving connection's event loop, in order per sender. */
    @FunctionalInterface
    public interface Receiver {
        void received(String from, String topic, Buffer payload);
    }

    /** What this node has received over one sender's route (its session): counted across its connections. */
    static final class Session {
        final UUID fromId;
        final String from;
        final long id;
        /** Guarded by this session. */
        long received;
        InboundRoute connection;

        Session(UUID fromId, String from, long id) {
            this.fromId = fromId;
            this.from = from;
            this.id = id;
        }
    }

    private final Vertx vertx;
    private final String cluster;
    private final String localName;
    private final Function<UUID, String> members;
    private final Receiver receiver;
    private volatile UUID localId;
    private final NetClient client;
    private final List<NetServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<UUID, OutboundRoute> outbound = new ConcurrentHashMap<>();
    private final Map<UUID, Session> inbound = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong moves = new AtomicLong();
    private final AtomicLong backlogWaits = new AtomicLong();
    /** Connections turned away since the last WARN about them, and when that WARN was (nanoTime; 0 for never). */
    private final AtomicLong turnedAway = new AtomicLong();
    private final AtomicLong lastTurnedAwayWarn = new AtomicLong();
    private volatile boolean closed;
    /** One context per event loop that owns a route's connection (see {@link #contextOn}). */
    private final Map<EventLoop, Context> contexts = new ConcurrentHashMap<>();
    /**
     * Each thread's event loop of this Vert.x, or {@link #NOT_A_LOOP} (see {@link #currentEventLoop}). Per Routes,
     * not static: a JVM with two Vert.x instances (tests) has threads that are loops of one only.
     */
    private final FastThreadLocal<Object> loopOfThread = new FastThreadLocal<>();
    private static final Object NOT_A_LOOP = new Object();
    private volatile long followWindowNanos = TimeUnit.MILLISECONDS.toNanos(FOLLOW_WINDOW_MS);

    /**
     * @param members the name of the member whose address is this id in the current view, null when none is
     */
    public Routes(Vertx vertx, String cluster, String localName, Function<UUID, String> members, Receiver receiver) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.localName = localName;
        this.members = members;
        this.receiver = receiver;
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setTcpKeepAlive(true)
            .setConnectTimeout(2000));
    }

    /** This process's address in the view, once it has one (before anyone can learn of it). */
    public void localId(UUID id) {
        this.localId = id;
    }

    /**
     * Listens on {@code host:port} (0: any free port) with a server on every event loop, so that the routes of
     * several members are read on several cores. Completes with the port.
     */
    public Future<Integer> listen(String host, int port) {
        int chosen;
        try {
            chosen = port != 0 ? port : freePort(host);
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 0; i < VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE; i++) {
            Promise<Integer> listening = Promise.promise();
            Context context = ((VertxInternal) vertx).createEventLoopContext();
            context.runOnContext(v -> {
                NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)
                    .setTcpKeepAlive(true));
                server.connectHandler(this::accepted);
                servers.add(server);
                server.listen(chosen, host).map(NetServer::actualPort).onComplete(listening);
            });
            all.add(listening.future());
        }
        return Future.all(all).map(chosen).recover(t -> Future.failedFuture(new IllegalStateException(
            "the cluster's routes cannot listen on " + host + ":" + chosen + ": " + t.getMessage()
            + "; set messaging.cluster.route-port (MESSAGING_CLUSTER_ROUTE_PORT) to a free port, or 0 for any", t)));
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    private void accepted(NetSocket socket) {
        if (closed || connections.incrementAndGet() > MAX_CONNECTIONS) {
            connections.decrementAndGet();
            turnedAway(socket.remoteAddress() + ": " + MAX_CONNECTIONS + " route connections are open");
            socket.close();
            return;
        }
        new InboundRoute(this, socket).start();
    }

    /**
     * Sends a message to a member over its route (opened on first use); never waits. In order with every earlier
     * call for the same member, from whatever thread; the payload is read during the call only.
     */
    public void send(RoutePeer peer, String topic, Buffer payload) {
        EventLoop from = currentEventLoop();
        OutboundRoute route = outbound.get(peer.id());
        if (route == null) {
            if (closed) {
                return;
            }
            // Opened by the first sender's loop, so that its writes need no hand-over (see OutboundRoute).
            route = outbound.computeIfAbsent(peer.id(), id -> new OutboundRoute(this, peer,
                from != null ? contextOn(from) : ((VertxInternal) vertx).createEventLoopContext()));
        }
        route.send(topic, payload, from);
    }

    /**
     * The event loop this thread runs, when it is one of this Vert.x's; else null. Looked up once per thread: a
     * send often runs outside any Vert.x context (the transport's batches are flushed by a plain task of the loop),
     * so the current context cannot say.
     */
    private EventLoop currentEventLoop() {
        Object known = loopOfThread.get();
        if (known == null) {
            known = NOT_A_LOOP;
            for (EventExecutor e : ((VertxInternal) vertx).getEventLoopGroup()) {
                if (e.inEventLoop() && e instanceof EventLoop loop) {
                    known = loop;
                }
            }
            loopOfThread.set(known);
        }
        return known instanceof EventLoop loop ? loop : null;
    }

    /** A context of this node's own on {@code loop}, for the route connections that loop owns. */
    Context contextOn(EventLoop loop) {
        return contexts.computeIfAbsent(loop, l -> {
            VertxInternal v = (VertxInternal) vertx;
            return v.createEventLoopContext(l, v.getWorkerPool(), Thread.currentThread().getContextClassLoader());
        });
    }

    long followWindowNanos() {
        return followWindowNanos;
    }

    /** For tests: a shorter follow window than {@link #FOLLOW_WINDOW_MS}. */
    void followWindow(Duration window) {
        followWindowNanos = window.toNanos();
    }

    /** The view changed: routes to and from members no longer in it are closed, what they held dropped. */
    public void retain(Set<UUID> now) {
        outbound.entrySet().removeIf(e -> {
            if (now.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        inbound.entrySet().removeIf(e -> {
            if (now.contains(e.getKey())) {
                return false;
            }
            InboundRoute c;
            synchronized (e.getValue()) {
                c = e.getValue().connection;
                e.getValue().connection = null;
            }
            if (c != null) {
                c.close();
            }
            return true;
        });
    }

    /**
     * A connection closed before it said who it is, or refused: one WARN a minute at most, with the count since the
     * last (a stranger that connects again and again must not fill the log); each one at DEBUG.
     */
    void turnedAway(String why) {
        LOG.debugf("route connection turned away: %s", why);
        long n = turnedAway.incrementAndGet();
        long now = System.nanoTime();
        long last = lastTurnedAwayWarn.get();
        if ((last == 0 || now - last > TURNED_AWAY_WARN_NANOS) && lastTurnedAwayWarn.compareAndSet(last, now)) {
            turnedAway.addAndGet(-n);
            LOG.warnf("turned away %d route connection(s) that are not members' routes (at most one such line a"
                + " minute); the latest: %s", n, why);
        }
    }

    /** A route whose member is gone from the view: closed and removed. */
    void forget(OutboundRoute route) {
        outbound.remove(route.peer().id(), route);
        route.close();
    }

    /**
     * A connection said HELLO for a sender's session: it carries that session from now on. A session this node has
     * no count for (new, or forgotten when the sender was out of this node's view while this node stayed in the
     * sender's) starts at the sender's oldest held message: everything before it was acknowledged, so handled.
     */
    Session open(UUID fromId, String from, long sessionId, long oldest, InboundRoute connection) {
        Session s = inbound.compute(fromId, (id, old) -> {
            if (old != null && old.id == sessionId) {
                return old;
            }
            Session fresh = new Session(fromId, from, sessionId);
            fresh.received = Math.max(0, oldest);
            return fresh;
        });
        InboundRoute previous;
        synchronized (s) {
            previous = s.connection;
            s.connection = connection;
        }
        if (previous != null && previous != connection) {
            previous.close();
        }
        return s;
    }

    void closed(InboundRoute connection, Session session) {
        connections.decrementAndGet();
        if (session != null) {
            synchronized (session) {
                if (session.connection == connection) {
                    session.connection = null;
                }
            }
        }
    }

    public Future<Void> close() {
        closed = true;
        outbound.values().forEach(OutboundRoute::close);
        outbound.clear();
        for (Session s : inbound.values()) {
            InboundRoute c;
            synchronized (s) {
                c = s.connection;
            }
            if (c != null) {
                c.close();
            }
        }
        inbound.clear();
        List<Future<Void>> all = new ArrayList<>();
        servers.forEach(s -> all.add(s.close()));
        all.add(client.close());
        return Future.join(all).mapEmpty();
    }

    /**
     * Closes a connection now, discarding what it has not written. Vert.x's {@code close()}, and a close that goes
     * through its channel handler, first wait for the pending writes to go out, which to a hung member is never: its
     * route, holding up to {@link #MAX_HELD_BYTES}, stayed open as long as the process, and so did the node's stop.
     * The close is sent from the handler's context, so only Netty's head (the socket) sees it.
     */
    static void abort(NetSocket socket) {
        if (socket instanceof io.vertx.core.net.impl.NetSocketInternal internal) {
            internal.channelHandlerContext().close();
        } else {
            socket.close();
        }
    }

    /**
     * True when the route to {@code peer} holds {@link #BACKLOG_BYTES} or more unacknowledged; then
     * {@code whenClear} runs once, on the thread that reads the member's acknowledgements (it should only hand over
     * to its own context), when the route holds less than half of it, or is closed. False, and nothing kept, when it
     * is not backlogged or there is no route to it yet.
     */
    public boolean backlogged(RoutePeer peer, Runnable whenClear) {
        OutboundRoute r = outbound.get(peer.id());
        return r != null && r.backlogged(whenClear);
    }

    /** Messages dropped at the bound since start (all members). */
    public long dropped() {
        return dropped.get();
    }

    /** How often a route moved to the event loop that sends most to it, since start (all members). */
    public long moves() {
        return moves.get();
    }

    /** How often a sender was told to wait for a backlogged route ({@link #backlogged}), since start. */
    public long backlogWaits() {
        return backlogWaits.get();
    }

    void moved() {
        moves.incrementAndGet();
    }

    void backlogWaited() {
        backlogWaits.incrementAndGet();
    }

    /** How often the route to a member moved to another event loop, and that loop's thread: for tests. */
    int moves(UUID member) {
        OutboundRoute r = outbound.get(member);
        return r == null ? 0 : r.moves();
    }

    EventLoop writer(UUID member) {
        OutboundRoute r = outbound.get(member);
        return r == null ? null : r.writer();
    }

    /** Bytes held unacknowledged for a member (0 when there is no route to it). */
    public long heldBytes(UUID member) {
        OutboundRoute r = outbound.get(member);
        return r == null ? 0 : r.heldBytes();
    }

    void dropped(long n) {
        dropped.addAndGet(n);
    }

    Vertx vertx() {
        return vertx;
    }

    NetClient client() {
        return client;
    }

    String cluster() {
        return cluster;
    }

    String localName() {
        return localName;
    }

    UUID localId() {
        return localId;
    }

    String memberName(UUID id) {
        return members.apply(id);
    }

    Receiver receiver() {
        return receiver;
    }
}
