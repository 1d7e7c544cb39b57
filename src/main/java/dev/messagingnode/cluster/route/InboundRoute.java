package dev.messagingnode.cluster.route;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A route connection another member opened to this node, on the event loop that accepted it: its HELLO is checked
 * (the magic, a version both speak, this cluster's name, this very process as the target, a sender that is a member
 * now), then every DATA frame is handed to the receiver there, in order, and acknowledged by count (at the latest
 * after {@link Routes#ACK_AFTER_MS}, sooner every {@link Routes#ACK_EVERY_BYTES}).
 *
 * <p>Anything else closes the connection: a first frame that is not a HELLO or longer than
 * {@link RouteFrames#MAX_CONTROL_FRAME_BYTES}, a HELLO that does not pass (answered with REFUSE and its reason),
 * no HELLO within {@link Routes#HELLO_TIMEOUT_MS}, a frame over {@link Routes#MAX_FRAME_BYTES}, an unknown type. A
 * real member's sender opens it again; a stranger has cost one connection of the {@link Routes#MAX_CONNECTIONS}.
 */
final class InboundRoute {

    private static final Logger LOG = Logger.getLogger(InboundRoute.class);

    private final Routes routes;
    private final NetSocket socket;
    private final FrameSplitter splitter;
    private Routes.Session session;
    private long helloTimer;
    private long ackTimer = -1;
    private long unackedBytes;
    /** The last topic read and its bytes: a route carries one or two topics, not worth a string per message. */
    private String lastTopic = "";
    private byte[] lastTopicBytes = new byte[0];

    InboundRoute(Routes routes, NetSocket socket) {
        this.routes = routes;
        this.socket = socket;
        this.splitter = new FrameSplitter(RouteFrames.MAX_CONTROL_FRAME_BYTES, this::frame, this::broken);
    }

    void start() {
        socket.handler(splitter);
        socket.closeHandler(v -> closed());
        socket.exceptionHandler(e -> LOG.debugf("route from %s: %s", socket.remoteAddress(), e.getMessage()));
        helloTimer = routes.vertx().setTimer(Routes.HELLO_TIMEOUT_MS, t -> {
            if (session == null) {
                routes.turnedAway(socket.remoteAddress() + ": no HELLO within " + Routes.HELLO_TIMEOUT_MS + " ms");
                socket.close();
            }
        });
    }

    private void frame(Buffer frame) {
        byte type = frame.getByte(0);
        try {
            if (session == null) {
                if (type != RouteFrames.HELLO) {
                    refuse("the first frame must be a HELLO, not type " + type);
                    return;
                }
                hello(new RouteFrames.Reader(frame, 1));
            } else if (type == RouteFrames.DATA) {
                data(frame);
            } else {
                broken("a frame of type " + type + ", which a sender does not send");
            }
        } catch (IndexOutOfBoundsException e) {
            broken("a frame of type " + type + " shorter than its fields");
        }
    }

    private void hello(RouteFrames.Reader r) {
        int magic = r.int32();
        if (magic != RouteFrames.MAGIC) {
            refuse("not a route HELLO (magic " + Integer.toHexString(magic) + ")");
            return;
        }
        byte version = r.int8();
        if (version < 1) {
            refuse("version " + version + " is not one this node speaks (1 to " + RouteFrames.VERSION + ")");
            return;
        }
        String cluster = r.str();
        String from = r.str();
        UUID fromId = r.uuid();
        UUID toId = r.uuid();
        long sessionId = r.int64();
        long oldest = r.int64();
        if (!cluster.equals(routes.cluster())) {
            refuse("this node is in cluster '" + routes.cluster() + "', not '" + cluster + "'");
            return;
        }
        if (!toId.equals(routes.localId())) {
            refuse("this is not the process " + toId + " (it restarted)");
            return;
        }
        String member = routes.memberName(fromId);
        if (member == null) {
            // Usual for a moment when a member joins (it may see this node before this node sees it): it tries again.
            LOG.debugf("refused the route of %s (%s): not a member of this node's view", from, fromId);
            socket.write(RouteFrames.refuse(from + " (" + fromId + ") is not a member of this node's view"));
            socket.close();
            return;
        }
        routes.vertx().cancelTimer(helloTimer);
        session = routes.open(fromId, member, sessionId, oldest, this);
        splitter.maxFrameBytes(Routes.MAX_FRAME_BYTES);
        long received;
        synchronized (session) {
            received = session.received;
        }
        socket.write(RouteFrames.welcome(received));
    }

    private void data(Buffer frame) {
        Routes.Session s = session;
        int topicLength = frame.getUnsignedByte(1);
        String topic = topic(frame, 2, topicLength);
        Buffer payload = frame.slice(2 + topicLength, frame.length());
        // Counted and handed on under the session's lock: when the sender moves to a new connection (a break, or
        // the route following its sender's loop), the new one is read by another loop, and its first message must
        // not be handed on before the old one's last, which the lock orders (the HELLO takes it too).
        synchronized (s) {
            if (s.connection != this) {
                // Another connection of the same sender took over: what it was welcomed with is what counts, and
                // the sender writes everything after that on it, this frame included.
                socket.close();
                return;
            }
            s.received++;
            try {
                routes.receiver().received(s.from, topic, payload);
            } catch (RuntimeException e) {
                LOG.warnf(e, "a handler of topic %s failed on a message from %s", topic, s.from);
            }
        }
        unackedBytes += frame.length() + 4;
        if (unackedBytes >= Routes.ACK_EVERY_BYTES) {
            ack();
        } else if (ackTimer < 0) {
            ackTimer = routes.vertx().setTimer(Routes.ACK_AFTER_MS, t -> {
                ackTimer = -1;
                ack();
            });
        }
    }

    private void ack() {
        if (ackTimer >= 0) {
            routes.vertx().cancelTimer(ackTimer);
            ackTimer = -1;
        }
        unackedBytes = 0;
        long received;
        synchronized (session) {
            if (session.connection != this) {
                return;
            }
            received = session.received;
        }
        socket.write(RouteFrames.ack(received));
    }

    private String topic(Buffer frame, int at, int length) {
        byte[] last = lastTopicBytes;
        if (last.length == length) {
            boolean same = true;
            for (int i = 0; i < length && same; i++) {
                same = frame.getByte(at + i) == last[i];
            }
            if (same) {
                return lastTopic;
            }
        }
        byte[] bytes = frame.getBytes(at, at + length);
        lastTopicBytes = bytes;
        lastTopic = new String(bytes, StandardCharsets.UTF_8);
        return lastTopic;
    }

    private void refuse(String reason) {
        routes.turnedAway(socket.remoteAddress() + ": " + reason);
        socket.write(RouteFrames.refuse(reason));
        socket.close();
    }

    private void broken(String problem) {
        if (session == null) {
            routes.turnedAway(socket.remoteAddress() + ": it sent " + problem);
        } else {
            // A member's own route broke the protocol: worth a line each time (it is a bug or a corrupted stream).
            LOG.warnf("closing the route connection from %s: it sent %s", session.from, problem);
        }
        socket.close();
    }

    private void closed() {
        routes.vertx().cancelTimer(helloTimer);
        if (ackTimer >= 0) {
            routes.vertx().cancelTimer(ackTimer);
        }
        routes.closed(this, session);
    }

    void close() {
        Routes.abort(socket);
    }
}
