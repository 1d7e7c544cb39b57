package dev.messagingnode.cluster.route;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * What this node sends one member over its route: a TCP connection of its own, opened and read by one event loop.
 *
 * <p><b>Nothing lost while the member is in the view.</b> Every message is held until the member acknowledges it
 * (ACK, a count); a connection that breaks is opened again, with back-off, and the member's WELCOME says how many
 * of this session's messages it has, so the rest are written again, in order, and none twice. This is what UNICAST3
 * gave the same traffic over JGroups. A member that leaves the view takes its route with it ({@link #close}); what
 * was held for it is dropped, as JGroups drops what it held for a member that left.
 *
 * <p><b>Order.</b> Messages are numbered and written under this route's lock in the order {@link #send} is called,
 * whichever thread calls; one connection at a time carries them, so the member receives them in that order.
 *
 * <p><b>Which event loop writes.</b> A connection belongs to one event loop; a write from another loop is handed to
 * it as a task, which wakes that loop: on a 2-core machine a large part of a crossing's latency (BENCHMARKS.md,
 * "hand-overs"). So the route's connection follows its sender: it is opened on the loop of the first message's
 * sender, and when, over a {@link Routes#FOLLOW_WINDOW_MS} window of at least {@link Routes#FOLLOW_MIN_SENDS}
 * messages, another loop sent three quarters of them or more, the route moves there: a new connection from that loop,
 * the old one closed at once, and the messages not yet acknowledged written again on the new one, as after a break
 * (order and count are the session's, not the connection's); not while more than
 * {@link Routes#FOLLOW_MAX_HELD_BYTES} are unacknowledged. Traffic shared among loops without one that dominates leaves
 * the route where it is: a move costs a connection's set-up, so it is made only for a lasting majority.
 *
 * <p><b>Bound.</b> At most {@link Routes#MAX_HELD_BYTES} are held unacknowledged. A message that would go past it
 * is dropped and counted (a WARN once per episode): the member has not acknowledged megabytes for a while, that is,
 * it is hung, cut off or far behind, and failure detection is about to decide. Requests among the dropped fail at
 * their deadline. The sender never waits: an event loop calls this.
 *
 * <p><b>Backlog.</b> Past {@link Routes#BACKLOG_BYTES} unacknowledged the route tells the senders that ask
 * ({@link #backlogged}), chunked responses, to hold their next chunk until it is under half of that. A healthy member
 * can be that far behind: the acknowledgements are read by the event loop that writes, and one busy with a run of
 * 1 MiB writes read none for 40 ms while the member had taken 70 chunks and credited them (measured; likely because
 * Netty's loop looks at its clock only every 64 tasks), so the chunks went on, and the 64 MiB bound dropped some
 * (seen in two-node chunked benches).
 */
final class OutboundRoute {

    private static final Logger LOG = Logger.getLogger(OutboundRoute.class);
    static final long FIRST_RETRY_MS = 20;
    static final long LAST_RETRY_MS = 2000;

    private final Routes routes;
    private final RoutePeer peer;
    /**
     * The context that connects, reads the member's answers and owns the connection; guarded by this. Its event loop
     * is the route's writer: a write from there is written at once, from elsewhere handed to it.
     */
    private Context context;
    /** Guarded by this: the loops that sent in the current follow window (see the class comment). */
    private final FollowWindow window;
    private int moves;
    /** This route's number: a member that sees a new one starts counting again (a new route to it, same node). */
    private final long session = ThreadLocalRandom.current().nextLong();

    // Guarded by this.
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    /** The number of the oldest message held; the next one sent is numbered {@code firstHeld + held.size()}. */
    private long firstHeld;
    private long heldBytes;
    /** The connection messages are written to, once the member welcomed it. */
    private NetSocket socket;
    /** A connection opened and not yet welcomed. */
    private NetSocket trying;
    /** A connection is being opened, or will be after a back-off: nobody starts another. */
    private boolean connecting;
    private boolean closed;
    private int attempts;
    private long droppedInEpisode;
    /** Who waits for this route to be under half of {@link Routes#BACKLOG_BYTES} again; guarded by this. */
    private final List<Runnable> waitingForClear = new ArrayList<>();

    OutboundRoute(Routes routes, RoutePeer peer, Context context) {
        this.routes = routes;
        this.peer = peer;
        this.context = context;
        this.window = new FollowWindow(routes::followWindowNanos);
    }

    RoutePeer peer() {
        return peer;
    }

    /**
     * Holds and writes one message; never waits. {@code from}: the event loop of the calling thread, null when it
     * is not one (what the route follows).
     */
    void send(String topic, Buffer payload, EventLoop from) {
        byte[] frame = RouteFrames.data(topic, payload);
        NetSocket left = null;
        Context moveTo = null;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (heldBytes + frame.length > Routes.MAX_HELD_BYTES) {
                routes.dropped(1);
                if (droppedInEpisode++ == 0) {
                    LOG.warnf("dropping messages to %s: %d bytes sent to it are not acknowledged yet (at most %d);"
                        + " it is hung, cut off or far behind", peer.name(), heldBytes, Routes.MAX_HELD_BYTES);
                }
                return;
            }
            if (from != null && socket != null && follow(from)) {
                left = socket;
                socket = null;
                connecting = true;
                moveTo = context;
            }
            held.addLast(frame);
            heldBytes += frame.length;
            if (socket != null) {
                socket.write(wrap(frame));
            } else if (!connecting) {
                connecting = true;
                moveTo = context;
            }
        }
        if (left != null) {
            // Closed at once, what it has not written discarded: the member's WELCOME on the new connection counts
            // what it has, and the rest is written again there. (A graceful close waits for the pending writes,
            // which to a member that stopped reading is never: the old connection would stay open.)
            Routes.abort(left);
        }
        if (moveTo != null) {
            moveTo.runOnContext(v -> connect());
        }
    }

    /**
     * Counts a message sent from {@code from} (the caller holds this route's lock and has a connection) and, at the
     * end of a window in which another loop sent three quarters of the messages or more, makes that loop the writer,
     * unless more than {@link Routes#FOLLOW_MAX_HELD_BYTES} wait for the member's ack (a move writes them again; a
     * later window moves it). True when it did: the caller moves the connection.
     */
    private boolean follow(EventLoop from) {
        window.count(from);
        EventLoop to = window.majority(writer());
        if (to == null || heldBytes > Routes.FOLLOW_MAX_HELD_BYTES) {
            return false;
        }
        context = routes.contextOn(to);
        moves++;
        routes.moved();
        LOG.debugf("route to %s moves to the event loop that sends most to it", peer.name());
        return true;
    }

    private static Buffer wrap(byte[] frame) {
        return Buffer.buffer(Unpooled.wrappedBuffer(frame));
    }

    /** See {@link Routes#backlogged}. */
    synchronized boolean backlogged(Runnable whenClear) {
        if (closed || heldBytes < Routes.BACKLOG_BYTES) {
            return false;
        }
        waitingForClear.add(whenClear);
        routes.backlogWaited();
        return true;
    }

    /** Those who waited for the backlog to clear, when it has (or the route closed); the caller holds the lock. */
    private List<Runnable> cleared() {
        if (waitingForClear.isEmpty() || (!closed && heldBytes >= Routes.BACKLOG_BYTES / 2)) {
            return List.of();
        }
        List<Runnable> out = new ArrayList<>(waitingForClear);
        waitingForClear.clear();
        return out;
    }

    private void run(List<Runnable> waiters) {
        for (Runnable r : waiters) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warnf(e, "a sender waiting for the route to %s failed", peer.name());
            }
        }
    }

    /** Forgets the messages the member has: those numbered below {@code received}. */
    private synchronized void acknowledged(long received) {
        long sent = firstHeld + held.size();
        if (received > sent) {
            throw new IllegalStateException("acknowledged " + received + " of " + sent + " messages");
        }
        while (firstHeld < received && !held.isEmpty()) {
            heldBytes -= held.removeFirst().length;
            firstHeld++;
        }
        if (droppedInEpisode > 0 && heldBytes < Routes.MAX_HELD_BYTES / 2) {
            LOG.warnf("%s acknowledges again; %d messages to it were dropped", peer.name(), droppedInEpisode);
            droppedInEpisode = 0;
        }
    }

    /** On the route's context. */
    private void connect() {
        String host;
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        if (routes.memberName(peer.id()) == null) {
            routes.forget(this); // it left the view while this route was being made: nobody to send to
            return;
        }
        host = peer.host().get();
        if (host == null) {
            retry("its address is not known yet");
            return;
        }
        NetClient client = routes.client();
        client.connect(peer.port(), host).onComplete(ar -> {
            if (ar.failed()) {
                retry(String.valueOf(ar.cause().getMessage()));
                return;
            }
            opened(ar.result());
        });
    }

    private void opened(NetSocket s) {
        synchronized (this) {
            if (closed) {
                s.close();
                return;
            }
            trying = s;
        }
        boolean[] welcomed = {false};
        FrameSplitter splitter = new FrameSplitter(RouteFrames.MAX_CONTROL_FRAME_BYTES, frame -> {
            try {
                byte type = frame.getByte(0);
                RouteFrames.Reader r = new RouteFrames.Reader(frame, 1);
                if (type == RouteFrames.ACK && welcomed[0]) {
                    List<Runnable> waiters;
                    synchronized (this) {
                        acknowledged(r.int64());
                        waiters = cleared();
                    }
                    run(waiters);
                } else if (type == RouteFrames.WELCOME && !welcomed[0]) {
                    byte version = r.int8();
                    if (version != RouteFrames.VERSION) {
                        throw new IllegalStateException("it chose version " + version);
                    }
                    welcomed[0] = true;
                    welcomed(s, r.int64());
                } else if (type == RouteFrames.REFUSE) {
                    LOG.debugf("route to %s refused: %s", peer.name(), r.str());
                    s.close();
                } else {
                    throw new IllegalStateException("unexpected frame type " + type);
                }
            } catch (RuntimeException e) {
                LOG.warnf("closing the route to %s: %s", peer.name(), e.getMessage());
                s.close();
            }
        }, problem -> {
            LOG.warnf("closing the route to %s: it sent %s", peer.name(), problem);
            s.close();
        });
        s.handler(splitter);
        s.closeHandler(v -> broken(s));
        s.exceptionHandler(e -> LOG.debugf("route to %s: %s", peer.name(), e.getMessage()));
        long oldest;
        synchronized (this) {
            oldest = firstHeld;
        }
        s.write(RouteFrames.hello(routes.cluster(), routes.localName(), routes.localId(), peer.id(), session, oldest));
    }

    /** The member has {@code received} of this session's messages: the rest are written now, then every new one. */
    private void welcomed(NetSocket s, long received) {
        List<Runnable> waiters;
        synchronized (this) {
            if (closed) {
                s.close();
                return;
            }
            if (received < firstHeld) {
                // It had more than it has now: it lost them (it cannot have, short of a bug); say so, go on.
                LOG.warnf("%s has %d messages of this route, %d were acknowledged; %d are lost", peer.name(),
                    received, firstHeld, firstHeld - received);
            } else {
                acknowledged(received);
            }
            for (byte[] frame : held) {
                s.write(wrap(frame));
            }
            socket = s;
            trying = null;
            connecting = false;
            attempts = 0;
            waiters = cleared();
        }
        run(waiters);
    }

    private void broken(NetSocket s) {
        synchronized (this) {
            if (s == socket) {
                socket = null;
                connecting = true;
            } else if (s == trying) {
                trying = null; // refused, or closed before it was welcomed: this attempt failed
            } else {
                return; // not this route's connection any more
            }
            if (closed) {
                return;
            }
        }
        retry("the connection closed");
    }

    /** On the route's context: tries again after the next back-off (20 ms, doubling, at most 2 s). */
    private void retry(String why) {
        long delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS << Math.min(attempts, 10));
            attempts++;
            if (attempts == 6) {
                LOG.infof("route to %s not open after %d tries (%s); trying every %d ms or less while it is a member",
                    peer.name(), attempts, why, LAST_RETRY_MS);
            }
        }
        Context on;
        synchronized (this) {
            on = context;
        }
        routes.vertx().setTimer(delay, t -> on.runOnContext(v -> connect()));
    }

    /** The member left: its connection is closed and what was held for it dropped. */
    void close() {
        NetSocket s;
        NetSocket t;
        List<Runnable> waiters;
        synchronized (this) {
            closed = true;
            held.clear();
            heldBytes = 0;
            s = socket;
            socket = null;
            t = trying;
            trying = null;
            waiters = cleared();
        }
        run(waiters);
        if (s != null) {
            Routes.abort(s);
        }
        if (t != null) {
            Routes.abort(t);
        }
    }

    /** Bytes held unacknowledged, for tests and metrics. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /** How often the route moved to another event loop, and the loop that writes now: for tests. */
    synchronized int moves() {
        return moves;
    }

    synchronized EventLoop writer() {
        return ((ContextInternal) context).nettyEventLoop();
    }
}
