package dev.messagingnode.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.BindException;
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
    private NetServer server;

    TcpBridgeServer(Vertx vertx, BridgeConnections connections, BridgeProtocol protocol, boolean checkToken) {
        this.vertx = vertx;
        this.connections = connections;
        this.protocol = protocol;
        this.checkToken = checkToken;
    }

    /** Listens; the future fails naming the port and the key that sets it when the port is taken. */
    Future<Integer> listen(String host, int port) {
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true));
        server.connectHandler(this::connected);
        return server.listen(port, host).map(NetServer::actualPort).recover(t -> Future.failedFuture(
            new IllegalStateException("the TCP event bus bridge cannot listen on " + host + ":" + port + ": "
                + (t instanceof BindException ? "the port is already in use" : t.getMessage())
                + "; set messaging.bridge.tcp.port (MESSAGING_BRIDGE_TCP_PORT) to a free port, 0 for any, or"
                + " messaging.bridge.tcp.enabled=false", t)));
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void connected(NetSocket socket) {
        BridgeTransport transport = BridgeTransport.tcp(socket);
        BridgeConnection c = connections.open(transport);
        if (c == null) {
            transport.write(new JsonObject().put("type", "err").put("message", connections.refusal()));
            socket.close();
            return;
        }
        socket.handler(new TcpFrameDecoder(connections.limits().maxFrameBytes(),
            frame -> protocol.handle(c, frame, checkToken), c::problem));
        socket.closeHandler(v -> c.closed());
        socket.exceptionHandler(t -> {
            LOG.debugf("bridge connection %s (%s): %s", c.id(), c.remote(), t.toString());
            c.closeTransport();
        });
    }
}
