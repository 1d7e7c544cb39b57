package dev.messagingnode.bridge;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.http.ApiAuthFilter;
import dev.messagingnode.http.LongLivedResponses;
import dev.messagingnode.remote.RemoteParties;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the TCP event bus bridge and mounts the SockJS one at {@code /eventbus}: the stock bridge protocol on both,
 * served by {@link BridgeProtocol} over {@link BridgeConnection}s. A client sends only to {@code messaging.api.*}
 * and receives only on the {@code messaging.client.*} addresses its own connection registered.
 */
@ApplicationScoped
public class EventBusBridges {

    private static final Logger LOG = Logger.getLogger(EventBusBridges.class);

    private final Vertx vertx;
    private final BridgeConfig config;
    private final ApiAuthFilter auth;
    private final BridgeConnections connections;
    private final BridgeProtocol protocol;
    private TcpBridgeServer tcp;
    private volatile int tcpPort = -1;

    public EventBusBridges(Vertx vertx, BridgeConfig config, ApiAuthFilter auth, MessagingClient client,
                           RemoteParties parties, LongLivedResponses longLived) {
        this.vertx = vertx;
        this.config = config;
        this.auth = auth;
        this.connections = new BridgeConnections(vertx, BridgeLimits.of(config), config.maxConnections());
        this.protocol = new BridgeProtocol(new BridgeApi(new LoopClients(vertx, client), parties), auth);
        // SIGTERM: the bridges serve through the shutdown delay and close every connection just before it ends.
        longLived.alsoAtShutdown(() -> connections.closeAll("the node is shutting down"));
    }

    void mountSockJs(@Observes Router router) {
        if (!config.sockjs().enabled()) {
            return;
        }
        // The HTTP auth filter has already checked the token on the SockJS session's requests.
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions())
            .socketHandler(this::sockJsConnected));
    }

    void onStart(@Observes @Priority(1500) StartupEvent event) throws Exception {
        connections.startSweeping();
        if (!config.tcp().enabled()) {
            return;
        }
        tcp = new TcpBridgeServer(vertx, connections, protocol, auth.required());
        try {
            tcpPort = tcp.listen(config.tcp().host(), config.tcp().port(), eventLoops()).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error(e.getCause().getMessage());
            throw (Exception) e.getCause();
        }
        LOG.infof("TCP event bus bridge listening on %s:%d", config.tcp().host(), tcpPort);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (tcp != null) {
            tcp.close();
        }
        connections.closeAll("the node is shutting down");
    }

    /** As many TCP bridge servers as Vert.x has event loops (Vert.x's default: twice the cores). */
    private static int eventLoops() {
        return io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    }

    /** The TCP bridge's port, -1 when it is off. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Open bridge connections (both bridges). */
    public int connections() {
        return connections.size();
    }

    private void sockJsConnected(SockJSSocket socket) {
        BridgeTransport transport = BridgeTransport.sockJs(vertx, socket);
        BridgeConnection c = connections.open(transport);
        if (c == null) {
            transport.write(new io.vertx.core.json.JsonObject().put("type", "err").put("body", connections.refusal()));
            socket.close();
            return;
        }
        int max = connections.limits().maxFrameBytes();
        socket.handler((Buffer frame) -> {
            if (frame.length() > max) {
                c.problem(FrameProblem.tooLarge(frame.length(), max));
            } else {
                protocol.handle(c, frame, false);
            }
        });
        socket.closeHandler(v -> c.closed());
        socket.exceptionHandler(t -> c.closeTransport());
    }
}
