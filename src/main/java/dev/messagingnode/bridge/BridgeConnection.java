package dev.messagingnode.bridge;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection of a bridge (a TCP socket or a SockJS session) and what it opened: subscriptions, remote
 * parties, streams, dialogues. When the connection closes, everything it opened is closed with it, so a client that
 * disconnects is unregistered and its in-flight tasks go back to other workers.
 *
 * <p>Bound: at most {@code max} open things at once; pushes to the client are dropped (subscriptions) or paused
 * (streams) while the connection's write queue is full, so a slow client holds no unbounded memory.
 */
final class BridgeConnection {

    private final String id = UUID.randomUUID().toString();
    private final WriteStream<?> socket;
    private final int max;
    private final Map<String, Runnable> opened = new ConcurrentHashMap<>();
    private volatile boolean closed;

    BridgeConnection(WriteStream<?> socket, int max) {
        this.socket = socket;
        this.max = max;
    }

    String id() {
        return id;
    }

    WriteStream<?> socket() {
        return socket;
    }

    boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    /** Records something to close with the connection; OVER_CAPACITY beyond the bound. */
    void opened(String key, Runnable closer) {
        if (closed) {
            closer.run();
            throw new MessagingException(Failure.CANCELLED, "the connection is closed");
        }
        if (opened.size() >= max) {
            closer.run();
            throw new MessagingException(Failure.OVER_CAPACITY, "this connection already holds " + max
                + " subscriptions, parties, streams and dialogues (messaging.bridge.max-per-connection)");
        }
        opened.put(key, closer);
    }

    /** Forgets (without running) what was closed another way; returns its closer, or null. */
    Runnable forget(String key) {
        return opened.remove(key);
    }

    boolean owns(String key) {
        return opened.containsKey(key);
    }

    void close() {
        closed = true;
        List<Runnable> closers = new ArrayList<>(opened.values());
        opened.clear();
        closers.forEach(Runnable::run);
    }
}
