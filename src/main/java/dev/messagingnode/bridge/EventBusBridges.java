package dev.messagingnode.bridge;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.http.ApiAuthFilter;
import dev.messagingnode.remote.RemoteParties;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.bridge.BaseBridgeEvent;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the TCP event bus bridge and mounts the SockJS one at {@code /eventbus}. Both let clients send only to
 * {@code messaging.api.*} (and answer replies) and register only under {@code messaging.client.*}. Every frame a
 * client sends is stamped with its connection's id (overwriting whatever the client put there), so the API knows
 * which connection opened what and closes it all when the connection goes.
 */
@ApplicationScoped
public class EventBusBridges {

    private static final Logger LOG = Logger.getLogger(EventBusBridges.class);

    private final Vertx vertx;
    private final BridgeConfig config;
    private final ApiAuthFilter auth;
    private final Map<Object, BridgeConnection> bySocket = new ConcurrentHashMap<>();
    private final Map<String, BridgeConnection> byId = new ConcurrentHashMap<>();
    private final BridgeApi api;
    private TcpEventBusBridge tcp;
    private volatile int tcpPort = -1;

    public EventBusBridges(Vertx vertx, BridgeConfig config, ApiAuthFilter auth, MessagingClient client,
                           RemoteParties parties) {
        this.vertx = vertx;
        this.config = config;
        this.auth = auth;
        this.api = new BridgeApi(vertx, client, parties, byId);
    }

    void mountSockJs(@Observes Router router) {
        if (!config.sockjs().enabled()) {
            return;
        }
        SockJSBridgeOptions options = new SockJSBridgeOptions();
        permit(options);
        // The HTTP auth filter has already checked the token on the SockJS session's requests.
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(options,
            event -> onEvent(event, event.socket(), false)));
    }

    void onStart(@Observes @Priority(1500) StartupEvent event) throws Exception {
        api.install();
        if (!config.tcp().enabled()) {
            return;
        }
        BridgeOptions options = new BridgeOptions();
        permit(options);
        int port = config.tcp().port() == 0 ? freePort() : config.tcp().port();
        tcp = TcpEventBusBridge.create(vertx, options, new NetServerOptions().setTcpNoDelay(true),
            e -> onEvent(e, e.socket(), auth.required()));
        tcp.listen(port, config.tcp().host()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        tcpPort = port;
        LOG.infof("TCP event bus bridge listening on %s:%d", config.tcp().host(), port);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (tcp != null) {
            tcp.close();
        }
        byId.values().forEach(BridgeConnection::close);
        api.uninstall();
    }

    /** The TCP bridge's port, -1 when it is off. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Open bridge connections (both bridges). */
    public int connections() {
        return byId.size();
    }

    private static void permit(BridgeOptions options) {
        options.addInboundPermitted(new PermittedOptions().setAddressRegex("messaging\\.api\\..+"))
            .addOutboundPermitted(new PermittedOptions().setAddressRegex("messaging\\.client\\..+"));
    }

    private void onEvent(BaseBridgeEvent event, WriteStream<?> socket, boolean checkToken) {
        switch (event.type()) {
            case SOCKET_CLOSED -> {
                closed(socket);
                event.complete(true);
            }
            case SEND, PUBLISH, REGISTER -> {
                JsonObject raw = event.getRawMessage();
                JsonObject headers = raw == null ? null : raw.getJsonObject("headers");
                Object authorization = headers == null ? null : headers.getValue("authorization");
                if (checkToken && !auth.acceptsAuthorization(authorization)) {
                    event.complete(false);
                    return;
                }
                BridgeConnection c = connection(socket);
                if (raw != null && event.type() != io.vertx.ext.bridge.BridgeEventType.REGISTER) {
                    if (headers == null) {
                        headers = new JsonObject();
                        raw.put("headers", headers);
                    }
                    headers.remove("authorization");
                    headers.put(BridgeApi.CONNECTION_HEADER, c.id());
                }
                event.complete(true);
            }
            default -> event.complete(true);
        }
    }

    private BridgeConnection connection(WriteStream<?> socket) {
        return bySocket.computeIfAbsent(socket, s -> {
            BridgeConnection c = new BridgeConnection(socket, config.maxPerConnection());
            byId.put(c.id(), c);
            if (socket instanceof NetSocket net) {
                // The TCP bridge raises no SOCKET_CLOSED event; its socket tells us itself.
                net.closeHandler(v -> closed(socket));
            }
            return c;
        });
    }

    private void closed(WriteStream<?> socket) {
        BridgeConnection c = bySocket.remove(socket);
        if (c != null) {
            byId.remove(c.id());
            c.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
