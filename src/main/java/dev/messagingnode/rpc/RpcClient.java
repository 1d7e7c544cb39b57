package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Consumers;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of request-response: sends requests, and demultiplexes what comes back to its inbox (first
 * answers and failures from the exchange, chunks and dialogue notices from services) by request id.
 *
 * <p>Bound: at most {@code maxPending} requests waiting for a first answer; one more is refused at once with
 * OVER_CAPACITY. Safe to call from any thread; the inbox runs on the context that created the client.
 */
public final class RpcClient {

    /** How long the exchange has to accept or refuse a request; it answers at once unless it is stuck. */
    private static final long ACCEPT_MS = 10_000;
    private static final long SWEEP_MS = 1_000;

    private final Vertx vertx;
    private final Transport transport;
    /** The inbox on this node's event bus. */
    private final String inbox;
    /** The inbox as exchanges and services on any node reach it. */
    private final String reachableInbox;
    private final int maxPending;
    private final long defaultTurnTimeoutMs;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Handler<AsyncResult<Reply>>> pending = new ConcurrentHashMap<>();
    private final Map<Long, ChunkStream> streams = new ConcurrentHashMap<>();
    private final Map<Long, ClientDialogue> dialogues = new ConcurrentHashMap<>();
    private final Map<Long, Long> turnTimeouts = new ConcurrentHashMap<>();
    /** The node whose exchange accepted each pending request: if it leaves, the request fails at once. */
    private final Map<Long, String> acceptedBy = new ConcurrentHashMap<>();
    /**
     * Each pending request's acceptance, until the exchange's answer to the request or the first answer completes
     * it: a service on another node than the exchange answers this inbox straight (one cluster hop instead of two
     * through the exchange's node), and that answer can arrive before the exchange's acceptance.
     */
    private final Map<Long, Promise<Void>> unaccepted = new ConcurrentHashMap<>();
    private MessageConsumer<Object> consumer;
    private Context context;
    private long sweepTimer = -1;
    private Future<Void> ready;
    private Runnable stopNodeLeft = () -> { };

    public RpcClient(Vertx vertx, String clientId, int maxPending, Duration defaultTurnTimeout) {
        this.vertx = vertx;
        this.transport = Transport.of(vertx);
        this.inbox = Addresses.inbox(clientId);
        this.reachableInbox = transport.reachable(inbox);
        this.maxPending = maxPending;
        this.defaultTurnTimeoutMs = defaultTurnTimeout.toMillis();
        RpcFrames.install(vertx);
    }

    /** Opens the inbox on the caller's context (its verticle's, when there is one). */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        Promise<Void> started = Promise.promise();
        ready = started.future();
        if (Vertx.currentContext() == context) {
            openInbox(started);
        } else {
            context.runOnContext(v -> openInbox(started));
        }
        return ready;
    }

    private void openInbox(Promise<Void> started) {
        consumer = vertx.eventBus().consumer(inbox, this::onInbox);
        // Sends to the inbox from this node (a service's direct reply above all) skip the event bus.
        dev.messagingnode.exchange.LocalParties.of(vertx).add(inbox, context, consumer, this::onInbox);
        stopNodeLeft = transport.onNodeLeft(node -> context.runOnContext(v -> nodeLeft(node)));
        // One sweep a second for the whole client, not a timer per stream or dialogue.
        sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep());
        Consumers.registered(consumer).onComplete(started);
    }

    /** Closes streams and dialogues whose service is no longer there to end them. */
    private void sweep() {
        long now = System.nanoTime();
        new ArrayList<>(streams.values()).forEach(s -> s.checkIdle(now));
        new ArrayList<>(dialogues.values()).forEach(d -> d.checkExpired(now));
    }

    Transport transport() {
        return transport;
    }

    /**
     * Sends a request. The returned future tells whether the exchange accepted it: a refusal at once, an acceptance
     * with the first answer when the service answers within {@code RequestResponseExchange.FOLD_MS}, else as soon
     * as that has passed. Only an accepted request ever calls {@code replyHandler}, exactly once, with the first
     * answer or the failure, on the inbox's context, after the future completed.
     */
    public Future<Void> request(String exchange, String tag, Buffer message, RequestOptions options,
                                Handler<AsyncResult<Reply>> replyHandler) {
        if (!ready.isComplete()) {
            // Replies must find the inbox: the first requests wait the instant it takes to open.
            return ready.compose(v -> request(exchange, tag, message, options, replyHandler));
        }
        try {
            ExchangeName.validate(exchange);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        if (pending.size() >= maxPending) {
            return MessagingException.failed(Failure.OVER_CAPACITY,
                "this client already has " + maxPending + " requests waiting for an answer");
        }
        long id = nextId.incrementAndGet();
        long timeoutMs = options.timeoutMs();
        turnTimeouts.put(id, timeoutMs > 0 ? timeoutMs : defaultTurnTimeoutMs);
        pending.put(id, replyHandler);
        RequestFrame frame = new RequestFrame(id, reachableInbox,
            new Envelope(exchange, tag, message, options.headers()), timeoutMs, null, true);
        String exchangeAddress = transport.exchangeAddress(exchange);
        acceptedBy.put(id, transport.nodeOf(exchangeAddress));
        // On the asking context, as the exchange's answer is: the caller's listeners run there, before any answer.
        Promise<Void> acceptance = ((io.vertx.core.impl.ContextInternal) vertx.getOrCreateContext()).promise();
        unaccepted.put(id, acceptance);
        transport.request(exchangeAddress, frame, ACCEPT_MS).onComplete(ar -> {
            if (unaccepted.remove(id) == null) {
                // A first answer came straight from the service and accepted it already; the exchange's own
                // answer is then "accepted" or, when the request's deadline raced the service, a failure it lost.
                if (ar.succeeded() && ar.result() instanceof ReplyFrame late) {
                    onFoldedReply(late);
                }
                return;
            }
            if (ar.succeeded()) {
                acceptance.tryComplete();
                if (ar.result() instanceof ReplyFrame first) {
                    onFoldedReply(first); // accepted, and answered within the fold: after the caller heard so
                }
                return;
            }
            String node = acceptedBy.remove(id);
            turnTimeouts.remove(id);
            if (pending.remove(id) == null) {
                acceptance.tryComplete(); // the node left and nodeLeft() failed it already
                return;
            }
            if (node != null && !node.equals(transport.node()) && !transport.peers().contains(node)) {
                // It may have been accepted (its acceptance travels with the first answer): as nodeLeft().
                acceptance.tryComplete();
                MessagingException down = new MessagingException(Failure.EXCHANGE_DOWN,
                    "node " + node + ", whose exchange had the request, left the cluster");
                context.runOnContext(v -> replyHandler.handle(Future.failedFuture(down)));
                return;
            }
            acceptance.tryFail(MessagingException.from(ar.cause(), Failure.NO_SUCH_EXCHANGE,
                "no exchange named '" + exchange + "'"));
        });
        return acceptance.future();
    }

    /** A first answer that came as the acceptance's reply: handled as one from the inbox, on the inbox's context. */
    private void onFoldedReply(ReplyFrame first) {
        if (Vertx.currentContext() == context) {
            onReply(first);
        } else {
            context.runOnContext(v -> onReply(first));
        }
    }

    /** Fails everything still waiting with CANCELLED and stops the inbox. */
    public Future<Void> close() {
        MessagingException closed = new MessagingException(Failure.CANCELLED, "the client was closed");
        acceptedBy.clear();
        for (Long id : new ArrayList<>(pending.keySet())) {
            Handler<AsyncResult<Reply>> h = pending.remove(id);
            if (h != null) {
                h.handle(Future.failedFuture(closed));
            }
        }
        new ArrayList<>(streams.values()).forEach(s -> s.close(closed));
        new ArrayList<>(dialogues.values()).forEach(d -> d.fail(closed));
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            vertx.cancelTimer(sweepTimer);
            stopNodeLeft.run();
            dev.messagingnode.exchange.LocalParties.of(vertx).remove(inbox);
            (consumer == null ? Future.<Void>succeededFuture() : consumer.unregister()).onComplete(stopped);
        });
        return stopped.future();
    }

    /** Requests waiting for their first answer. */
    public int pendingCount() {
        return pending.size();
    }

    @SuppressWarnings("unchecked")
    private void onInbox(Message<Object> message) {
        Object body = message.body();
        if (body instanceof ChunkFrame chunk) {
            onChunk(chunk, (Message<ChunkFrame>) (Message<?>) message);
        } else if (body instanceof ReplyFrame reply) {
            onReply(reply);
        }
    }

    /** Requests that a departed node had accepted will never be answered: they fail now, not at their timeout. */
    private void nodeLeft(String node) {
        for (Map.Entry<Long, String> e : new ArrayList<>(acceptedBy.entrySet())) {
            if (node.equals(e.getValue())) {
                acceptedBy.remove(e.getKey());
                Handler<AsyncResult<Reply>> h = pending.remove(e.getKey());
                turnTimeouts.remove(e.getKey());
                if (h != null) {
                    h.handle(Future.failedFuture(new MessagingException(Failure.EXCHANGE_DOWN,
                        "node " + node + ", whose exchange had accepted the request, left the cluster")));
                }
            }
        }
    }

    private void onReply(ReplyFrame frame) {
        long id = frame.requestId();
        Promise<Void> acceptance = unaccepted.remove(id);
        if (acceptance != null) {
            // A service's direct answer overtook the exchange's acceptance: an answer means it was accepted. The
            // caller hears that first (its listeners were registered before this one), then the answer.
            acceptance.tryComplete();
            acceptance.future().onComplete(v -> onFoldedReply(frame));
            return;
        }
        acceptedBy.remove(id);
        Handler<AsyncResult<Reply>> handler = pending.remove(id);
        if (handler == null) {
            // Not a first answer: the service of an open dialogue gave up waiting for our answer.
            ClientDialogue d = dialogues.get(id);
            if (d != null && frame.kind() == ReplyFrame.Kind.FAILURE) {
                d.fail(new MessagingException(frame.failure(), frame.detail()));
            }
            return;
        }
        Reply reply;
        try {
            reply = toReply(frame, null);
        } catch (MessagingException e) {
            handler.handle(Future.failedFuture(e));
            return;
        }
        handler.handle(Future.succeededFuture(reply));
    }

    /** Turns a service's answer into a {@link Reply}; a failure frame is thrown. */
    Reply toReply(ReplyFrame frame, ClientDialogue dialogue) {
        long id = frame.requestId();
        long turnTimeout = turnTimeouts.getOrDefault(id, defaultTurnTimeoutMs);
        switch (frame.kind()) {
            case FAILURE -> {
                turnTimeouts.remove(id);
                MessagingException e = new MessagingException(frame.failure(), frame.detail());
                if (dialogue != null) {
                    dialogue.fail(e);
                }
                throw e;
            }
            case STREAM -> {
                if (dialogue != null) {
                    dialogue.closeNormally();
                }
                turnTimeouts.remove(id);
                return new Reply(Reply.Kind.STREAM, frame.envelope(), streamFor(id), dialogue, null);
            }
            case QUESTION -> {
                ClientDialogue d = dialogue != null ? dialogue : new ClientDialogue(this, id, turnTimeout);
                d.questionAsked(frame.answerTimeoutMs());
                dialogues.put(id, d);
                return new Reply(Reply.Kind.QUESTION, frame.envelope(), null, d, frame.address());
            }
            default -> {
                turnTimeouts.remove(id);
                if (dialogue != null) {
                    dialogue.closeNormally();
                }
                Reply.Kind kind = frame.kind() == ReplyFrame.Kind.END ? Reply.Kind.END : Reply.Kind.MESSAGE;
                return new Reply(kind, frame.envelope(), null, dialogue, null);
            }
        }
    }

    void forgetDialogue(long requestId) {
        dialogues.remove(requestId);
        if (!streams.containsKey(requestId)) {
            turnTimeouts.remove(requestId);
        }
    }

    private void onChunk(ChunkFrame chunk, Message<ChunkFrame> message) {
        long id = chunk.requestId();
        ChunkStream stream = streams.get(id);
        if (stream == null && (pending.containsKey(id) || dialogues.containsKey(id))) {
            // The first chunk overtook the exchange's "stream" answer: they travel different paths.
            stream = streamFor(id);
        }
        if (stream == null) {
            MessagingException.failReply(message, Failure.CANCELLED, "no open stream for request " + id);
            return;
        }
        stream.onFrame(message);
    }

    private ChunkStream streamFor(long id) {
        return streams.computeIfAbsent(id, k -> new ChunkStream(context, k, () -> streams.remove(k)));
    }
}
