package dev.messagingnode.bridge;

import dev.messagingnode.client.MessagingClient;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link MessagingClient} each bridge connection works through: one per event loop, made on the first of that
 * loop's connections that needs one, so a connection's requests, their inbox and their answers stay on the loop the
 * connection runs on. With the node's one shared client every requester's answers went through one loop's inbox
 * and back (two hops between threads per answer, and one core for every connection's answers).
 */
final class LoopClients {

    private final Vertx vertx;
    /** For a caller on no event loop (none of the bridges' own). */
    private final MessagingClient shared;
    private final Map<EventLoop, MessagingClient> byLoop = new ConcurrentHashMap<>();

    LoopClients(Vertx vertx, MessagingClient shared) {
        this.vertx = vertx;
        this.shared = shared;
    }

    /** The client of the calling connection's event loop, made here, on that connection's context, the first time. */
    MessagingClient current() {
        Context context = Vertx.currentContext();
        if (!(context instanceof ContextInternal internal) || !context.isEventLoopContext()) {
            return shared;
        }
        return byLoop.computeIfAbsent(internal.nettyEventLoop(), loop -> MessagingClient.create(vertx));
    }
}
