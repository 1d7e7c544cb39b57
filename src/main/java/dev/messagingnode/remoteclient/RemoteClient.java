package dev.messagingnode.remoteclient;

import dev.messagingnode.exchange.Failure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's Java client for programs outside it: every pattern over one TCP connection in the bridge's binary
 * framing, with no dependency (the {@code client} jar of this project). It has the shape of the in-node
 * {@code MessagingClient}; every answer is a {@link CompletableFuture}, every refusal a {@link RemoteException}
 * with the node's wire code.
 *
 * <pre>{@code
 * try (RemoteClient client = RemoteClient.connect(RemoteClientOptions.of("127.0.0.1", 7000))) {
 *     client.serve("quotes", 16, work -> work.reply("42".getBytes()));
 *     System.out.println(client.request("quotes", "price?".getBytes()).join().text());
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One reader per connection and one timer. Every handler runs, and every future completes, on
 * the reader thread, in the order the node sent them (a hand-off to another thread doubled the latency of a lone
 * request); writes go out on the caller's thread, combined with those of concurrent callers, and those a handler
 * makes go out once the reader has handled every frame it holds (one write for them all). Do not block in a
 * handler or a callback (a {@code join()} there waits for an answer only that thread can read; a slow handler makes
 * the node wait: it drops subscription deliveries and holds back the rest, as for any slow bridge client); chain
 * with {@code thenAccept}, or hand the work to your own executor.
 *
 * <p><b>Connection loss.</b> Operations waiting for an answer fail with CANCELLED, as do new ones until the client is
 * connected again; it reconnects by itself (waits doubling from {@code reconnectMin} to {@code reconnectMax}) and
 * opens every subscription and party again on the new connection. Held work items are the node's again.
 */
public final class RemoteClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RemoteClient.class.getName());
    private static final String API = "messaging.api.";
    private static final String STREAMS = "messaging.client.streams";
    private static final long SWEEP_MS = 200;
    private static final long PING_MS = 20_000;

    private final RemoteClientOptions options;
    private final ScheduledExecutorService timer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, RemoteRegistration> registrations = new ConcurrentHashMap<>();
    /** Streams by the node's id; touched on the reader thread only, like {@link #earlyChunks}. */
    private final Map<String, ChunkStream> streams = new ConcurrentHashMap<>();
    private final Map<String, List<Map<String, Object>>> earlyChunks = new ConcurrentHashMap<>();
    /** One per ping sent, oldest first: the node answers pings in order. */
    private final java.util.Queue<CompletableFuture<Void>> pongs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Consumer<RemoteException> errors = e -> LOG.log(System.Logger.Level.WARNING, e.getMessage());
    private volatile Link link;
    private volatile boolean closed;
    private long reconnectWaitMs;

    private RemoteClient(RemoteClientOptions options) {
        this.options = options;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("messaging-client-timer"));
        this.reconnectWaitMs = options.reconnectMin().toMillis();
    }

    /** Connects to the node; throws a {@link RemoteException} (CANCELLED) when the first connection fails. */
    public static RemoteClient connect(RemoteClientOptions options) {
        RemoteClient client = new RemoteClient(options);
        try {
            client.attach(Link.open(options, client.listener()));
        } catch (IOException e) {
            client.close();
            throw new RemoteException(Failure.CANCELLED, "cannot connect to the node's bridge at " + options.host()
                + ":" + options.port() + ": " + e.getMessage());
        }
        client.timer.scheduleWithFixedDelay(client::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        client.timer.scheduleWithFixedDelay(client::ping, PING_MS, PING_MS, TimeUnit.MILLISECONDS);
        return client;
    }

    public static RemoteClient connect(String host, int port) {
        return connect(RemoteClientOptions.of(host, port));
    }

    /** Where refusals of fire-and-forget publishes and connection events go (a WARNING log line by default). */
    public RemoteClient onError(Consumer<RemoteException> handler) {
        this.errors = handler;
        return this;
    }

    public boolean isConnected() {
        Link l = link;
        return l != null && !l.isClosed();
    }

    // ---- request-response, chunked, dialogue ----------------------------------------------------------------

    public CompletableFuture<RemoteReply> request(String exchange, byte[] message) {
        return request(exchange, message, RequestOptions.NONE);
    }

    public CompletableFuture<RemoteReply> request(String exchange, byte[] message, RequestOptions request) {
        Map<String, Object> body = body(exchange, message, request.headers());
        if (request.tag() != null) {
            body.put("tag", request.tag());
        }
        long timeoutMs = 0;
        if (request.timeout() != null) {
            timeoutMs = request.timeout().toMillis();
            body.put("timeoutMs", timeoutMs);
        }
        body.put("replyTo", STREAMS);
        return call("request", body, timeoutMs, request.onChunk()).thenApply(this::reply);
    }

    CompletableFuture<RemoteReply> answer(String dialogue, byte[] message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dialogue", dialogue);
        body.put("message", message);
        body.put("replyTo", STREAMS);
        return call("answer", body, 0, null).thenApply(this::reply);
    }

    CompletableFuture<Void> endDialogue(String dialogue) {
        return call("end-dialogue", Map.of("dialogue", dialogue), 0).thenApply(answer -> null);
    }

    private RemoteReply reply(Answer answer) {
        return new RemoteReply(this, answer.body, answer.stream);
    }

    // ---- publish-subscribe ----------------------------------------------------------------------------------

    /** A confirmed publish: completes with how many subscriptions matched once the exchange took it. */
    public CompletableFuture<Integer> publish(String exchange, String key, byte[] message) {
        return publish(exchange, key, message, Map.of());
    }

    public CompletableFuture<Integer> publish(String exchange, String key, byte[] message,
                                              Map<String, String> headers) {
        Map<String, Object> body = body(exchange, message, headers);
        body.put("key", key);
        return call("publish", body, 0).thenApply(answer -> (int) Fields.number(answer.body, "matched", 0));
    }

    /**
     * A fire-and-forget publish, as in NATS core: nothing comes back but a refusal of bad input (to
     * {@link #onError}). Waits only while the write queue is full; CANCELLED while not connected.
     */
    public void publishAndForget(String exchange, String key, byte[] message) {
        publishAndForget(exchange, key, message, Map.of());
    }

    public void publishAndForget(String exchange, String key, byte[] message, Map<String, String> headers) {
        Map<String, Object> body = body(exchange, message, headers);
        body.put("key", key);
        Link l = connected();
        if (!l.sendBehind(frame("publish", API + "publish", null, body))) {
            throw notConnected();
        }
    }

    /**
     * Completes when the node has read everything this client wrote before it (a ping's pong, as NATS's
     * {@code flush}): a fire-and-forget publisher calls it now and then to keep from running far ahead.
     */
    public CompletableFuture<Void> flush() {
        Link l = link;
        if (l == null || closed) {
            return CompletableFuture.failedFuture(notConnected());
        }
        return ping(l);
    }

    /** Subscribes {@code handler} to the messages whose key matches {@code pattern}. */
    public RemoteRegistration subscribe(String exchange, String pattern, Consumer<RemoteDelivery> handler) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("exchange", exchange);
        request.put("pattern", pattern);
        return open("subscribe", request, "subscription", body -> {
            if (body.containsKey("state")) {
                return; // attached / detached notices: the registration's state is the node's to tell
            }
            handler.accept(RemoteDelivery.of(body));
        });
    }

    // ---- sink, tasks ------------------------------------------------------------------------------------------

    /** Sends a message to a sink; completes once the sink holds it. */
    public CompletableFuture<Void> send(String exchange, byte[] message) {
        return send(exchange, null, message, Map.of());
    }

    public CompletableFuture<Void> send(String exchange, String tag, byte[] message, Map<String, String> headers) {
        Map<String, Object> body = body(exchange, message, headers);
        if (tag != null) {
            body.put("tag", tag);
        }
        return call("send", body, 0).thenApply(answer -> null);
    }

    /** Enqueues a task (priority 0..9); completes with its id once accepted (committed, for a durable exchange). */
    public CompletableFuture<Long> enqueue(String exchange, byte[] task, int priority) {
        return enqueue(exchange, null, task, priority, Map.of());
    }

    public CompletableFuture<Long> enqueue(String exchange, String tag, byte[] task, int priority,
                                           Map<String, String> headers) {
        Map<String, Object> body = body(exchange, task, headers);
        body.put("priority", priority);
        if (tag != null) {
            body.put("tag", tag);
        }
        return call("enqueue", body, 0).thenApply(answer -> Fields.number(answer.body, "id", -1));
    }

    // ---- parties ------------------------------------------------------------------------------------------------

    /** Serves an exchange's requests, at most {@code limit} at a time: reply to or fail each {@link RemoteWork}. */
    public RemoteRegistration serve(String exchange, int limit, Consumer<RemoteWork> handler) {
        return party(exchange, "service", "limit", limit, handler);
    }

    /** Works a tasks exchange's tasks, {@code prefetch} held at a time: ack or nack each. */
    public RemoteRegistration work(String exchange, int prefetch, Consumer<RemoteWork> handler) {
        return party(exchange, "worker", "prefetch", prefetch, handler);
    }

    /** Consumes a sink's batches: ack each to take the next. */
    public RemoteRegistration consume(String exchange, Consumer<RemoteWork> handler) {
        return party(exchange, "consumer", "limit", 1, handler);
    }

    private RemoteRegistration party(String exchange, String role, String creditField, int credit,
                                     Consumer<RemoteWork> handler) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("exchange", exchange);
        request.put("role", role);
        request.put(creditField, credit);
        return open("register", request, "party", body -> {
            if (body.containsKey("item")) {
                handler.accept(new RemoteWork(this, Fields.text(body, "party"), body));
            }
        });
    }

    private RemoteRegistration open(String operation, Map<String, Object> request, String idField,
                                    Consumer<Map<String, Object>> pushes) {
        String address = "messaging.client." + ids.incrementAndGet();
        RemoteRegistration r = new RemoteRegistration(this, address, operation, request, idField, pushes);
        registrations.put(address, r);
        Link l = link;
        if (l == null) {
            r.refused(notConnected());
            registrations.remove(address);
            return r;
        }
        openOn(l, r);
        return r;
    }

    /** Opens {@code r} on {@code l}: its address, then the operation; a refusal ends it. */
    private void openOn(Link l, RemoteRegistration r) {
        l.send(frame("register", r.address(), null, null));
        Map<String, Object> body = new LinkedHashMap<>(r.request());
        body.put("replyTo", r.address());
        callOn(l, r.operation(), body, 0, null).whenComplete((answer, t) -> {
            if (t == null) {
                r.opened(Fields.text(answer.body, r.idField()));
                if (r.isClosed()) {
                    close(r);
                }
            } else if (t instanceof RemoteException e && e.failure() == Failure.CANCELLED) {
                r.lost(); // the connection went: opened again on the next one
            } else {
                r.refused(t);
                registrations.remove(r.address());
            }
        });
    }

    CompletableFuture<Void> close(RemoteRegistration r) {
        String id = r.id();
        registrations.remove(r.address());
        if (id == null || link == null) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, Object> body = Map.of(r.idField(), id);
        return call(r.closeOperation(), body, 0).thenApply(answer -> null);
    }

    // ---- calls and answers ----------------------------------------------------------------------------------

    /** The answer to one {@code messaging.api.*} operation, with the chunk stream of a streamed reply. */
    record Answer(Map<String, Object> body, ChunkStream stream) {
    }

    private record Pending(CompletableFuture<Answer> future, long deadline, Consumer<byte[]> onChunk) {
    }

    /** An operation whose success is not answered (no reply address); a refusal comes to {@link #onError}. */
    void callAndForget(String operation, Map<String, Object> body) {
        if (!connected().send(frame("send", API + operation, null, body))) {
            throw notConnected();
        }
    }

    CompletableFuture<Answer> call(String operation, Map<String, Object> body, long timeoutMs) {
        return call(operation, body, timeoutMs, null);
    }

    private CompletableFuture<Answer> call(String operation, Map<String, Object> body, long timeoutMs,
                                           Consumer<byte[]> onChunk) {
        Link l = link;
        if (l == null || closed) {
            return CompletableFuture.failedFuture(notConnected());
        }
        return callOn(l, operation, body, timeoutMs, onChunk);
    }

    private CompletableFuture<Answer> callOn(Link l, String operation, Map<String, Object> body, long timeoutMs,
                                             Consumer<byte[]> onChunk) {
        if (inFlight.incrementAndGet() > options.maxInFlight()) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new RemoteException(Failure.OVER_CAPACITY, "this client already"
                + " waits for " + options.maxInFlight() + " answers (RemoteClientOptions.maxInFlight)"));
        }
        String replyAddress = "r" + ids.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)
            + options.operationTimeout().toNanos();
        Pending p = new Pending(new CompletableFuture<>(), deadline, onChunk);
        pending.put(replyAddress, p);
        if (!l.send(frame("send", API + operation, replyAddress, body))) {
            settle(replyAddress, null, notConnected());
        }
        return p.future;
    }

    /** Ends one pending operation (once), on the callback thread. */
    private void settle(String replyAddress, Answer answer, RemoteException failure) {
        Pending p = pending.remove(replyAddress);
        if (p == null) {
            return;
        }
        inFlight.decrementAndGet();
        dispatch(() -> {
            if (failure != null) {
                p.future.completeExceptionally(failure);
            } else {
                p.future.complete(answer);
            }
        });
    }

    private Link.Listener listener() {
        return new Link.Listener() {
            @Override
            public void frame(Link from, Map<String, Object> frame) {
                received(frame);
            }

            @Override
            public void lost(Link from, Throwable cause) {
                disconnected(from, cause);
            }
        };
    }

    /** A frame from the node, on the reader thread. */
    private void received(Map<String, Object> frame) {
        String type = Fields.text(frame, "type");
        String address = Fields.text(frame, "address");
        if ("err".equals(type)) {
            RemoteException e = new RemoteException((int) Fields.number(frame, "failureCode", Failure.INVALID.code()),
                String.valueOf(frame.get("message")));
            if (address != null && pending.containsKey(address)) {
                settle(address, null, e);
            } else {
                dispatch(() -> errors.accept(e));
            }
            return;
        }
        if ("pong".equals(type)) {
            CompletableFuture<Void> pong = pongs.poll();
            if (pong != null) {
                dispatch(() -> pong.complete(null));
            }
            return;
        }
        if (!"message".equals(type) || address == null) {
            return;
        }
        Map<String, Object> body = Fields.object(frame.get("body"));
        if (STREAMS.equals(address)) {
            chunk(body);
            return;
        }
        RemoteRegistration r = registrations.get(address);
        if (r != null) {
            dispatch(() -> deliver(r, body));
            return;
        }
        Pending p = pending.get(address);
        if (p != null) {
            ChunkStream stream = null;
            if ("stream".equals(body.get("kind"))) {
                stream = new ChunkStream(p.onChunk, options.maxCollectedBytes());
                String id = Fields.text(body, "stream");
                streams.put(id, stream);
                List<Map<String, Object>> early = earlyChunks.remove(id);
                if (early != null) {
                    early.forEach(this::chunk);
                }
            }
            settle(address, new Answer(body, stream), null);
        }
    }

    private void deliver(RemoteRegistration r, Map<String, Object> body) {
        try {
            r.push(body);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a handler of " + r.exchange() + " threw", e);
        }
    }

    /** A chunk, end or error of a stream; kept aside when it came before the reply that names its stream. */
    private void chunk(Map<String, Object> body) {
        String id = Fields.text(body, "stream");
        ChunkStream stream = streams.get(id);
        if (stream == null) {
            List<Map<String, Object>> early = earlyChunks.computeIfAbsent(id, k -> new ArrayList<>());
            if (early.size() < 64) { // the node sends at most 8 ahead of what this connection took
                early.add(body);
            }
            return;
        }
        if (Fields.flag(body, "end")) {
            streams.remove(id);
            dispatch(stream::ended);
        } else if (body.get("error") instanceof Map<?, ?> error) {
            streams.remove(id);
            Map<String, Object> e = Fields.object(error);
            RemoteException failure = new RemoteException((int) Fields.number(e, "code", 4006),
                String.valueOf(e.get("detail")));
            dispatch(() -> stream.failed(failure));
        } else {
            byte[] chunk = Fields.message(body);
            dispatch(() -> {
                try {
                    stream.chunk(chunk);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a chunk handler threw", e);
                }
            });
        }
    }

    // ---- connection -------------------------------------------------------------------------------------------

    private void attach(Link l) {
        link = l;
        l.send(frame("register", STREAMS, null, null));
        registrations.values().forEach(r -> openOn(l, r));
    }

    private void disconnected(Link from, Throwable cause) {
        if (link == from) {
            link = null;
        }
        RemoteException lost = new RemoteException(Failure.CANCELLED, "the connection to the node at "
            + options.host() + ":" + options.port() + " was lost"
            + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        List.copyOf(pending.keySet()).forEach(address -> settle(address, null, lost));
        List.copyOf(streams.values()).forEach(s -> dispatch(() -> s.failed(lost)));
        for (CompletableFuture<Void> pong = pongs.poll(); pong != null; pong = pongs.poll()) {
            CompletableFuture<Void> p = pong;
            dispatch(() -> p.completeExceptionally(lost));
        }
        streams.clear();
        earlyChunks.clear();
        registrations.values().forEach(RemoteRegistration::lost);
        if (closed) {
            return;
        }
        dispatch(() -> errors.accept(lost));
        scheduleReconnect();
    }

    private synchronized void scheduleReconnect() {
        long wait = reconnectWaitMs;
        reconnectWaitMs = Math.min(reconnectWaitMs * 2, options.reconnectMax().toMillis());
        try {
            timer.schedule(this::reconnect, wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        try {
            Link l = Link.open(options, listener());
            synchronized (this) {
                reconnectWaitMs = options.reconnectMin().toMillis();
            }
            attach(l);
            if (closed) {
                l.close();
            }
        } catch (IOException e) {
            scheduleReconnect();
        }
    }

    /** Fails what waited past its deadline: one sweep for all of them, no timer per operation. */
    private void sweep() {
        long now = System.nanoTime();
        pending.forEach((address, p) -> {
            if (now - p.deadline > 0) {
                settle(address, null, new RemoteException(Failure.TIMED_OUT, "no answer from the node within "
                    + options.operationTimeout().toMillis() + " ms beyond the request's own timeout"));
            }
        });
    }

    private void ping() {
        Link l = link;
        if (l != null) {
            ping(l);
        }
    }

    private CompletableFuture<Void> ping(Link l) {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        synchronized (pongs) { // the queue's order is the order on the wire
            pongs.add(pong);
            if (!l.send(frame("ping", null, null, null))) {
                pongs.remove(pong);
                pong.completeExceptionally(notConnected());
            }
        }
        return pong;
    }

    /** Closes the connection; what waits fails CANCELLED, and the node gives back what this client held. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Link l = link;
        if (l != null) {
            l.close();
        }
    }

    // ---- frames ---------------------------------------------------------------------------------------------

    private Map<String, Object> frame(String type, String address, String replyAddress, Map<String, Object> body) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
        if (address != null) {
            frame.put("address", address);
        }
        if (replyAddress != null) {
            frame.put("replyAddress", replyAddress);
        }
        if (options.token() != null) {
            frame.put("headers", Map.of("authorization", "Bearer " + options.token()));
        }
        if (body != null) {
            frame.put("body", body);
        }
        return frame;
    }

    private static Map<String, Object> body(String exchange, byte[] message, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("exchange", exchange);
        body.put("message", message);
        if (headers != null && !headers.isEmpty()) {
            body.put("headers", headers);
        }
        return body;
    }

    private Link connected() {
        Link l = link;
        if (l == null || closed) {
            throw notConnected();
        }
        return l;
    }

    private RemoteException notConnected() {
        return new RemoteException(Failure.CANCELLED, closed ? "the client is closed" : "not connected to the node at "
            + options.host() + ":" + options.port() + " (reconnecting)");
    }

    /**
     * Runs a handler or completes a future, here, on the connection's reader thread: a hand-off to a callback
     * thread cost ~85 µs per wake on this 2-core machine, twice per round trip (the requester's and the
     * service's), and doubled the p50 of one request in flight. A handler that throws is logged, not fatal.
     */
    private static void dispatch(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a handler threw", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
