package dev.messagingnode.bridge;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One client connection of a bridge (a TCP socket or a SockJS session): the addresses it receives on, what it opened
 * (subscriptions, remote parties, streams, dialogues) and everything the node writes to it.
 *
 * <p><b>Addresses belong to the connection.</b> A client registers the {@code messaging.client.*} addresses it
 * wants pushes on; they form its own namespace: two connections may both use {@code messaging.client.me} and each
 * receives only its own. Nothing goes through the node's event bus, so no connection can listen on another's.
 *
 * <p><b>Writes are bounded.</b> Subscription deliveries are dropped (and counted) while the write queue is full;
 * other pushes (work items, chunks, notices) wait here in order and go out when it drains, and they are bounded by
 * the credit that produced them (a party's prefetch or limit, a stream's window). Streams pause while the queue is
 * full, each on its own ({@link #whenWritable}). While full the node stops reading the connection's frames, so its
 * replies cannot pile up either. A connection that stays full longer than the stall timeout is closed.
 *
 * <p>Everything here runs on the connection's context; {@link #execute} brings a caller from another thread there.
 */
final class BridgeConnection {

    private static final Logger LOG = Logger.getLogger(BridgeConnection.class);
    static final String CLIENT_PREFIX = "messaging.client.";

    private final String id = UUID.randomUUID().toString();
    private final BridgeTransport transport;
    private final Context context;
    private final BridgeLimits limits;
    private final Runnable onClosed;
    private final Set<String> addresses = new HashSet<>();
    private final Map<String, Runnable> opened = new ConcurrentHashMap<>();
    private final ArrayDeque<JsonObject> heldBack = new ArrayDeque<>();
    private final List<Runnable> writableWaiters = new ArrayList<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private long lastInbound;
    private long fullSince;
    private int inFlight;
    private boolean readingPaused;
    private boolean closed;

    BridgeConnection(Vertx vertx, BridgeTransport transport, BridgeLimits limits, Runnable onClosed) {
        this.transport = transport;
        this.context = vertx.getOrCreateContext();
        this.limits = limits;
        this.onClosed = onClosed;
        this.lastInbound = System.nanoTime();
        transport.drainHandler(v -> drained());
    }

    String id() {
        return id;
    }

    String remote() {
        return transport.remote();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Runs {@code action} on this connection's context, after every action handed in before it: pushes from other
     * threads (chunks, deliveries) keep their order even when the next one comes from the connection's own
     * context. At once when already there and nothing waits.
     */
    void execute(Runnable action) {
        if (Vertx.currentContext() == context && tasks.isEmpty()) {
            action.run();
            return;
        }
        tasks.add(action);
        if (scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> runTasks());
        }
    }

    private void runTasks() {
        scheduled.set(false);
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
    }

    // ---- inbound --------------------------------------------------------------------------------------------

    void received() {
        lastInbound = System.nanoTime();
    }

    void register(String address) {
        if (!address.startsWith(CLIENT_PREFIX)) {
            throw new MessagingException(Failure.INVALID, "access_denied: a client may register only addresses under "
                + CLIENT_PREFIX);
        }
        if (!addresses.contains(address) && addresses.size() >= limits.maxPerConnection()) {
            throw new MessagingException(Failure.OVER_CAPACITY, "this connection already registered "
                + limits.maxPerConnection() + " addresses (messaging.bridge.max-per-connection)");
        }
        addresses.add(address);
    }

    void unregister(String address) {
        if (!addresses.remove(address)) {
            throw new MessagingException(Failure.NOT_FOUND, "unknown_address: '" + address
                + "' is not registered on this connection");
        }
    }

    /** The address a push may go to: one this connection registered; INVALID otherwise (a typo, another's). */
    String requireRegistered(String replyTo) {
        if (!replyTo.startsWith(CLIENT_PREFIX)) {
            throw new MessagingException(Failure.INVALID, "'replyTo' must be an address under " + CLIENT_PREFIX
                + " that this connection registered");
        }
        if (!addresses.contains(replyTo)) {
            throw new MessagingException(Failure.INVALID, "'replyTo' '" + replyTo + "' is not registered on this"
                + " connection: send {\"type\":\"register\",\"address\":\"" + replyTo + "\"} first");
        }
        return replyTo;
    }

    /** Counts an operation waiting for its answer; OVER_CAPACITY past {@code messaging.bridge.max-in-flight}. */
    void startOperation() {
        if (inFlight >= limits.maxInFlight()) {
            throw new MessagingException(Failure.OVER_CAPACITY, "this connection already waits for "
                + limits.maxInFlight() + " answers (messaging.bridge.max-in-flight)");
        }
        inFlight++;
    }

    void endOperation() {
        inFlight--;
    }

    // ---- outbound -------------------------------------------------------------------------------------------

    /** The answer to a frame that named {@code replyAddress}. */
    void reply(String replyAddress, JsonObject body) {
        write(new JsonObject().put("type", transport.messageType()).put("address", replyAddress)
            .put("headers", new JsonObject()).put("send", true).put("body", body));
        pauseReadingWhileFull();
    }

    /** The failure of a frame: to its {@code replyAddress}, or as a protocol error when it named none. */
    void replyFailure(String replyAddress, String sourceAddress, MessagingException e) {
        JsonObject frame = new JsonObject().put("type", "err").put("failureCode", e.failure().code())
            .put("failureType", "RECIPIENT_FAILURE").put("message", e.detail());
        if (replyAddress != null) {
            frame.put("address", replyAddress);
        } else if (!"message".equals(transport.errorTextField())) {
            frame.put(transport.errorTextField(), e.detail());
        }
        if (sourceAddress != null) {
            frame.put("sourceAddress", sourceAddress);
        }
        write(frame);
        pauseReadingWhileFull();
    }

    /** A protocol error ({@code code: detail}); a fatal one closes the connection after it is written. */
    void problem(FrameProblem problem) {
        write(new JsonObject().put("type", "err").put(transport.errorTextField(), problem.text()));
        if (problem.fatal()) {
            LOG.warnf("bridge connection %s (%s) closed: %s", id, transport.remote(), problem.text());
            closeTransport();
        }
    }

    void pong() {
        write(new JsonObject().put("type", "pong"));
    }

    /**
     * A subscription delivery, in the frame {@code frames} writes: written, or dropped (false) while the write queue
     * is full or others wait before it, or when the client no longer listens on the subscription's address.
     */
    boolean deliver(SubscriptionFrames frames, Delivery d, long dropped) {
        if (closed || !addresses.contains(frames.address())) {
            return false;
        }
        if (!heldBack.isEmpty() || transport.writeQueueFull()) {
            markFull();
            return false;
        }
        if (transport.binary()) {
            transport.writeEncoded(frames.binary(transport.messageType(), d, dropped));
        } else {
            write(pushFrame(frames.address(), frames.body(d, dropped)));
        }
        return true;
    }

    /** A push that must not be lost while the connection lives (work items, chunks, notices): kept in order. */
    void push(String address, JsonObject body) {
        if (closed) {
            return;
        }
        JsonObject frame = pushFrame(address, body);
        if (!heldBack.isEmpty() || transport.writeQueueFull()) {
            heldBack.add(frame);
            markFull();
            return;
        }
        write(frame);
    }

    boolean writeQueueFull() {
        return !heldBack.isEmpty() || transport.writeQueueFull();
    }

    /** Runs {@code action} once the write queue has room (at once when it has). Each stream waits on its own. */
    void whenWritable(Runnable action) {
        if (!writeQueueFull()) {
            action.run();
            return;
        }
        markFull();
        writableWaiters.add(action);
    }

    private JsonObject pushFrame(String address, JsonObject body) {
        return new JsonObject().put("type", transport.messageType()).put("address", address).put("send", true)
            .put("body", body);
    }

    private void write(JsonObject frame) {
        if (!closed) {
            transport.write(frame);
        }
    }

    private void markFull() {
        if (fullSince == 0) {
            fullSince = System.nanoTime();
        }
    }

    private void pauseReadingWhileFull() {
        if (!readingPaused && transport.writeQueueFull()) {
            readingPaused = true;
            markFull();
            transport.pause();
        }
    }

    private void drained() {
        while (!heldBack.isEmpty() && !transport.writeQueueFull()) {
            transport.write(heldBack.poll());
        }
        if (transport.writeQueueFull()) {
            return;
        }
        fullSince = 0;
        if (readingPaused) {
            readingPaused = false;
            transport.resume();
        }
        List<Runnable> waiters = new ArrayList<>(writableWaiters);
        writableWaiters.clear();
        waiters.forEach(Runnable::run);
    }

    // ---- what the connection opened -------------------------------------------------------------------------

    /** Records something to close with the connection; OVER_CAPACITY beyond the bound. */
    void opened(String key, Runnable closer) {
        if (closed) {
            closer.run();
            throw new MessagingException(Failure.CANCELLED, "the connection is closed");
        }
        if (opened.size() >= limits.maxPerConnection()) {
            closer.run();
            throw new MessagingException(Failure.OVER_CAPACITY, "this connection already holds "
                + limits.maxPerConnection() + " subscriptions, parties, streams and dialogues"
                + " (messaging.bridge.max-per-connection)");
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

    // ---- life -----------------------------------------------------------------------------------------------

    /** The periodic check: closes a connection stuck full past the stall timeout, or silent past the idle one. */
    void check(long now) {
        if (closed) {
            return;
        }
        if (fullSince != 0 && !transport.writeQueueFull() && heldBack.isEmpty()) {
            drained(); // the drain came while nothing waited for it
        }
        if (fullSince != 0 && now - fullSince > limits.writeStallTimeout().toNanos()) {
            LOG.warnf("bridge connection %s (%s) closed: it has not read what the node wrote for %d s"
                + " (messaging.bridge.write-stall-timeout)", id, transport.remote(),
                limits.writeStallTimeout().toSeconds());
            closeTransport();
        } else if (fullSince == 0 && now - lastInbound > limits.idleTimeout().toNanos()) {
            problem(FrameProblem.fatal("idle_timeout", "no frame for " + limits.idleTimeout().toSeconds()
                + " s (messaging.bridge.idle-timeout); send {\"type\":\"ping\"} to stay connected"));
        }
    }

    /** Closes the socket; {@link #closed()} follows from its close handler. */
    void closeTransport() {
        if (!closed) {
            transport.close();
            closed();
        }
    }

    /** The socket is gone: close everything the connection opened (parties give their work back at once). */
    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        heldBack.clear();
        writableWaiters.clear();
        addresses.clear();
        List<Runnable> closers = new ArrayList<>(opened.values());
        opened.clear();
        closers.forEach(Runnable::run);
        onClosed.run();
    }
}
