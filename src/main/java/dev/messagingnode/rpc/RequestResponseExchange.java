package dev.messagingnode.rpc;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeVerticle;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.HeldBytes;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Party;
import dev.messagingnode.exchange.RegisterFrame;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A request-response exchange: accepts or refuses each request at once, hands it to the next registered service
 * (round-robin, skipping services that went away), and forwards the service's first answer, or the reason there
 * is none, to the client's inbox. Chunks and later dialogue turns then travel between client and service without
 * it.
 *
 * <p><b>Acceptance folded into the first answer.</b> A refusal is the request's reply at once. An accepted request is
 * answered "accepted" only if its service has not answered within {@link #FOLD_MS}: a service that answers sooner
 * has its answer travel as the request's reply itself, so the client learns both at once. That saves a message per
 * request (across nodes a JGroups message, the fifth of five of a round trip) and keeps "accepted" prompt for a
 * slow service; the client sees no difference but the timing ({@code RpcClient#request}). A request whose service
 * answers the client directly ({@link #answersDirectly}) is answered "accepted" as soon as it is dispatched: its
 * answer never passes here to be folded.
 */
final class RequestResponseExchange extends ExchangeVerticle {

    static final String SERVICE_ROLE = "service";

    /** How long an accepted request's acceptance waits for its first answer to travel with it. */
    static final long FOLD_MS = 25;

    private final RpcOptions options;
    private final RpcMetrics metrics;
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    /** Accepted requests whose acceptance has not been answered yet, oldest first (some may have been since). */
    private final ArrayDeque<InFlight> unacknowledged = new ArrayDeque<>();
    private long foldTimer = -1;
    private long nextSeq;
    /** This exchange's part of the node's held message bytes: the requests in flight. */
    private HeldBytes.Share heldBytes;

    /** One accepted request waiting for its service's first answer. */
    private static final class InFlight {
        final long seq;
        final RequestFrame frame;
        final long deadlineNanos;
        final long startNanos;
        /** What it counts against the node's messaging.max-held-bytes while in flight. */
        final int bytes;
        /** The request's message while its acceptance is still to be answered; null once it has been. */
        Message<Object> acceptance;

        InFlight(long seq, RequestFrame frame, long deadlineNanos, long startNanos, Message<Object> acceptance) {
            this.seq = seq;
            this.frame = frame;
            this.bytes = frame.envelope().message().length();
            this.deadlineNanos = deadlineNanos;
            this.startNanos = startNanos;
            this.acceptance = acceptance;
        }
    }

    RequestResponseExchange(ExchangeDefinition definition, RpcOptions options, ExchangeContext context) {
        super(definition, context, options.partyCheckInterval());
        this.options = options;
        this.metrics = new RpcMetrics(meters);
    }

    /** Requests accepted and waiting for their service's first answer. */
    @Override
    protected void describeState(io.vertx.core.json.JsonObject into) {
        into.put("inFlight", inFlight.size()).put("maxInFlight", options.maxInFlight());
    }

    @Override
    protected long depth() {
        return inFlight.size();
    }

    @Override
    public void start(Promise<Void> started) {
        RpcFrames.install(vertx);
        heldBytes = HeldBytes.of(vertx).share();
        metrics.gauge("messaging.requests.in-flight", inFlight::size);
        metrics.gauge("messaging.services", parties::size);
        super.start(started);
    }

    @Override
    protected void onRegister(RegisterFrame frame, Message<RegisterFrame> message) {
        requireRole(frame, SERVICE_ROLE);
        parties.add(Party.of(frame));
        message.reply(null);
    }

    @Override
    protected void onMessage(Message<Object> message) {
        if (!(message.body() instanceof RequestFrame frame)) {
            throw unexpected(message.body());
        }
        Failure refusal = null;
        String detail = null;
        int size = frame.envelope().message().length();
        if (size > options.maxMessageBytes()) {
            refusal = Failure.TOO_LARGE;
            detail = "request of " + size + " bytes exceeds max-message-bytes=" + options.maxMessageBytes()
                + " of exchange '" + name() + "'";
        } else if (inFlight.size() >= options.maxInFlight()) {
            refusal = Failure.OVER_CAPACITY;
            detail = "exchange '" + name() + "' has max-in-flight=" + options.maxInFlight()
                + " requests waiting for their services";
        } else if (parties.isEmpty()) {
            refusal = Failure.NO_SERVICE;
            detail = "no service is registered on exchange '" + name() + "'";
        } else if (!heldBytes.tryHold(size)) { // the last check: a refusal above holds nothing
            refusal = Failure.OVER_CAPACITY;
            detail = heldBytes.refusal(size);
        }
        if (refusal != null) {
            metrics.refused(refusal, detail);
            MessagingException.failReply(message, refusal, detail);
            return;
        }
        long timeoutMs = frame.timeoutMs() > 0 ? frame.timeoutMs() : options.requestTimeout().toMillis();
        long now = System.nanoTime();
        InFlight request = new InFlight(nextSeq++, frame.forService(options), now + timeoutMs * 1_000_000L, now,
            message);
        inFlight.put(request.seq, request);
        metrics.accepted();
        unacknowledged.addLast(request);
        if (foldTimer < 0) {
            foldTimer = vertx.setTimer(FOLD_MS, id -> acknowledgeUnanswered());
        }
        dispatch(request);
    }

    /** Answers "accepted" for the requests whose first answer did not come within {@link #FOLD_MS}. */
    private void acknowledgeUnanswered() {
        foldTimer = -1;
        long due = System.nanoTime() - FOLD_MS * 1_000_000L;
        for (InFlight r = unacknowledged.peekFirst(); r != null; r = unacknowledged.peekFirst()) {
            if (r.acceptance != null && r.startNanos > due) {
                break;
            }
            unacknowledged.pollFirst();
            if (r.acceptance != null) {
                r.acceptance.reply(null);
                r.acceptance = null;
            }
        }
        if (!unacknowledged.isEmpty()) {
            long waitNanos = unacknowledged.peekFirst().startNanos - due;
            foldTimer = vertx.setTimer(Math.max(1, waitNanos / 1_000_000L), id -> acknowledgeUnanswered());
        }
    }

    /** The first answer: as the request's reply while its acceptance waits (folded), else to the client's inbox. */
    private void answer(InFlight request, ReplyFrame reply) {
        if (request.acceptance != null) {
            request.acceptance.reply(reply);
            request.acceptance = null; // its entry in unacknowledged is dropped by the next sweep
        } else {
            transport.send(request.frame.inbox(), reply);
        }
    }

    private void dispatch(InFlight request) {
        Party service = parties.next();
        if (service == null) {
            finish(request, ReplyFrame.failure(request.frame.requestId(), Failure.NO_SERVICE,
                "every service of exchange '" + name() + "' went away before answering"));
            return;
        }
        long remainingMs = (request.deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (remainingMs <= 0) {
            finish(request, timedOut(request));
            return;
        }
        boolean direct = answersDirectly(request, service);
        if (direct && request.acceptance != null) {
            // The answer will not come this way, so nothing can be folded into the acceptance: "accepted" goes now,
            // just ahead of the work item (to the client's node it is the same link, often the same JGroups batch),
            // instead of when the service's settle comes back or the fold runs out. A fast direct answer did not
            // wait for it (the client takes an answer as acceptance); a client of a slower service hears
            // "accepted" at once, as for any request whose service is slower than the fold.
            request.acceptance.reply(null);
            request.acceptance = null;
        }
        transport.request(service.address(), request.frame.answeredDirectly(direct), remainingMs).onComplete(ar -> {
            if (inFlight.get(request.seq) != request) {
                return; // already failed, e.g. by exchange-down
            }
            if (ar.succeeded() && ar.result() == null) {
                settledDirectly(request);
            } else if (ar.succeeded()) {
                finish(request, (ReplyFrame) ar.result());
            } else if (MessagingException.isNoHandlers(ar.cause())) {
                // The service vanished before it saw the request: nothing was done, so another may take it.
                partyVanished(service);
                dispatch(request);
            } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
                finish(request, timedOut(request));
            } else {
                MessagingException e = MessagingException.from(ar.cause(), Failure.NO_SERVICE, "service gone");
                finish(request, ReplyFrame.failure(request.frame.requestId(), e.failure(), e.detail()));
            }
        });
    }

    /**
     * Whether {@code service} should send its reply straight to the client's inbox, as RabbitMQ's direct reply-to
     * does, and tell this exchange only that the request is settled: when the client can take it (its frame says
     * so) and neither the client nor the service is on this node. The reply then crosses one cluster hop (none when
     * client and service share a node) instead of two through this node; where either is here, the way through
     * the exchange costs no hop more and keeps the acceptance folded into the answer.
     */
    private boolean answersDirectly(InFlight request, Party service) {
        String here = transport.node();
        return request.frame.directAnswer() && !here.equals(transport.nodeOf(request.frame.inbox()))
            && !here.equals(transport.nodeOf(service.address()));
    }

    /** The service answered the client itself: the request is done (its acceptance went with the work item). */
    private void settledDirectly(InFlight request) {
        inFlight.remove(request.seq);
        heldBytes.release(request.bytes);
        metrics.answered(request.startNanos);
    }

    private ReplyFrame timedOut(InFlight request) {
        long allowedMs = (request.deadlineNanos - request.startNanos) / 1_000_000L;
        return ReplyFrame.failure(request.frame.requestId(), Failure.TIMED_OUT,
            "no answer from a service of exchange '" + name() + "' within " + allowedMs + "ms");
    }

    private void finish(InFlight request, ReplyFrame reply) {
        inFlight.remove(request.seq);
        heldBytes.release(request.bytes);
        if (reply.kind() == ReplyFrame.Kind.FAILURE) {
            metrics.failed(reply.failure());
        } else {
            metrics.answered(request.startNanos);
        }
        answer(request, reply);
    }

    @Override
    protected void onDown(String reason) {
        for (InFlight request : inFlight.values()) {
            metrics.failed(Failure.EXCHANGE_DOWN);
            answer(request, ReplyFrame.failure(request.frame.requestId(), Failure.EXCHANGE_DOWN, reason));
        }
        inFlight.clear();
        heldBytes.close();
        unacknowledged.clear();
        if (foldTimer >= 0) {
            vertx.cancelTimer(foldTimer);
            foldTimer = -1;
        }
    }
}
