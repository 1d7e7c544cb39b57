package dev.messagingnode.bridge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The TCP event bus bridge: the stock protocol (4-byte length, JSON frame; {@link TcpFrameDecoder}), served by the
 * node's own {@link BridgeProtocol} so that every frame, connection and write has a bound. TCP keepalive is on, so
 * a peer host that vanished is found by the kernel too; the idle timeout finds it sooner.
 */
final class TcpBridgeServer {

    private static final Logger LOG = Logger.getLogger(TcpBridgeServer.class);

    private final Vertx vertx;
    private final BridgeConnections connections;
    private final BridgeProtocol protocol;
    private final boolean checkToken;
    private final List<NetServer> servers = new CopyOnWriteArrayList<>();

    TcpBridgeServer(Vertx vertx, BridgeConnections connections, BridgeProtocol protocol, boolean checkToken) {
        this.vertx = vertx;
        this.connections = connections;
        this.protocol = protocol;
        this.checkToken = checkToken;
    }

    /**
     * Listens with one server per event loop (Vert.x hands each new connection to the next of the servers sharing
     * the port), so that connections, and what they carry, spread over the cores instead of sharing one loop with
     * the exchanges. Port 0: a free port is picked first and all of them share it. The future fails naming
     * the port and the key that sets it when the port is taken.
     */
    Future<Integer> listen(String host, int port, int instances) {
        int chosen;
        try {
            chosen = port == 0 ? freePort(host) : port;
        } catch (IOException e) {
            return Future.failedFuture(new IllegalStateException("the TCP event bus bridge finds no free port on "
                + host + ": " + e.getMessage(), e));
        }
        // Vert.x shares a port between servers that listen on the same host and port: all of them on `chosen`.
        List<Future<Integer>> all = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            all.add(listenOnOwnContext(host, chosen));
        }
        return Future.all(all).map(chosen).recover(t -> Future.failedFuture(new IllegalStateException(
            "the TCP event bus bridge cannot listen on " + host + ":" + chosen + ": "
            + (t instanceof BindException ? "the port is already in use" : t.getMessage())
            + "; set messaging.bridge.tcp.port (MESSAGING_BRIDGE_TCP_PORT) to a free port, 0 for any, or"
            + " messaging.bridge.tcp.enabled=false", t)));
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /** One server, created on a context of its own (and so on the next event loop). */
    private Future<Integer> listenOnOwnContext(String host, int port) {
        Promise<Integer> listening = Promise.promise();
        Context context = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
        context.runOnContext(v -> {
            NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true));
            server.connectHandler(this::connected);
            servers.add(server);
            server.listen(port, host).map(NetServer::actualPort).onComplete(listening);
        });
        return listening.future();
    }

    /**
     * Flushes once per event-loop turn, not once per frame: Netty's {@link FlushConsolidationHandler} holds the
     * flushes of the frames written in one turn (replies to a batch of requests read together, a fan-out's
     * deliveries, a run of chunks) and does one at its end, so the kernel gets one write for all of them.
     */
    private static void consolidateFlushes(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            internal.channelHandlerContext().pipeline().addFirst("flush-consolidation",
                new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }

    Future<Void> close() {
        return Future.join(servers.stream().map(NetServer::close).toList()).mapEmpty();
    }

    private void connected(NetSocket socket) {
        consolidateFlushes(socket);
        BridgeTransport transport = BridgeTransport.tcp(socket);
        BridgeConnection c = connections.open(transport);
        if (c == null) {
            transport.write(new JsonObject().put("type", "err").put("message", connections.refusal()));
            socket.close();
            return;
        }
        socket.handler(new TcpFrameDecoder(connections.limits().maxFrameBytes(),
            frame -> {
                if (transport.binary()) {
                    protocol.handleBinary(c, frame, checkToken);
                } else {
                    protocol.handle(c, frame, checkToken);
                }
            },
            c::problem,
            offered -> {
                int version = BinaryFraming.versionFor(offered);
                if (version < 1) {
                    c.problem(FrameProblem.fatal("unsupported_version", "this node speaks the binary framing from"
                        + " version 1 to " + BinaryFraming.VERSION + "; the client offered " + offered));
                    return;
                }
                transport.speakBinary();
                socket.write(BinaryFraming.preface(version));
            }));
        socket.closeHandler(v -> c.closed());
        socket.exceptionHandler(t -> {
            LOG.debugf("bridge connection %s (%s): %s", c.id(), c.remote(), t.toString());
            c.closeTransport();
        });
    }
}
