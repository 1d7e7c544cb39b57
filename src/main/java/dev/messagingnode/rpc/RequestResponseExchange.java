package dev.messagingnode.rpc;

import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeVerticle;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Party;
import dev.messagingnode.exchange.RegisterFrame;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.HashMap;
import java.util.Map;

/**
 * A request-response exchange: accepts or refuses each request at once, hands it to the next registered service
 * (round-robin, skipping services that went away), and forwards the service's first answer, or the reason there
 * is none, to the client's inbox. Chunks and later dialogue turns then travel between client and service without
 * it.
 */
final class RequestResponseExchange extends ExchangeVerticle {

    static final String SERVICE_ROLE = "service";

    private final RpcOptions options;
    private final RpcMetrics metrics;
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    private long nextSeq;

    /** One accepted request waiting for its service's first answer. */
    private record InFlight(long seq, RequestFrame frame, long deadlineNanos, long startNanos) {
    }

    RequestResponseExchange(ExchangeDefinition definition, RpcOptions options, ExchangeContext context) {
        super(definition, context, options.partyCheckInterval());
        this.options = options;
        this.metrics = new RpcMetrics(meters);
    }

    /** Requests accepted and not yet answered. */
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
        }
        if (refusal != null) {
            metrics.refused(refusal, detail);
            MessagingException.failReply(message, refusal, detail);
            return;
        }
        long timeoutMs = frame.timeoutMs() > 0 ? frame.timeoutMs() : options.requestTimeout().toMillis();
        long now = System.nanoTime();
        InFlight request = new InFlight(nextSeq++, frame.forService(options), now + timeoutMs * 1_000_000L, now);
        inFlight.put(request.seq(), request);
        metrics.accepted();
        message.reply(null);
        dispatch(request);
    }

    private void dispatch(InFlight request) {
        Party service = parties.next();
        if (service == null) {
            finish(request, ReplyFrame.failure(request.frame().requestId(), Failure.NO_SERVICE,
                "every service of exchange '" + name() + "' went away before answering"));
            return;
        }
        long remainingMs = (request.deadlineNanos() - System.nanoTime()) / 1_000_000L;
        if (remainingMs <= 0) {
            finish(request, timedOut(request));
            return;
        }
        transport.request(service.address(), request.frame(), remainingMs).onComplete(ar -> {
            if (inFlight.get(request.seq()) != request) {
                return; // already failed, e.g. by exchange-down
            }
            if (ar.succeeded()) {
                finish(request, (ReplyFrame) ar.result());
            } else if (MessagingException.isNoHandlers(ar.cause())) {
                // The service vanished before it saw the request: nothing was done, so another may take it.
                partyVanished(service);
                dispatch(request);
            } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
                finish(request, timedOut(request));
            } else {
                MessagingException e = MessagingException.from(ar.cause(), Failure.NO_SERVICE, "service gone");
                finish(request, ReplyFrame.failure(request.frame().requestId(), e.failure(), e.detail()));
            }
        });
    }

    private ReplyFrame timedOut(InFlight request) {
        long allowedMs = (request.deadlineNanos() - request.startNanos()) / 1_000_000L;
        return ReplyFrame.failure(request.frame().requestId(), Failure.TIMED_OUT,
            "no answer from a service of exchange '" + name() + "' within " + allowedMs + "ms");
    }

    private void finish(InFlight request, ReplyFrame reply) {
        inFlight.remove(request.seq());
        if (reply.kind() == ReplyFrame.Kind.FAILURE) {
            metrics.failed(reply.failure());
        } else {
            metrics.answered(request.startNanos());
        }
        transport.send(request.frame().inbox(), reply);
    }

    @Override
    protected void onDown(String reason) {
        for (InFlight request : inFlight.values()) {
            metrics.failed(Failure.EXCHANGE_DOWN);
            transport.send(request.frame().inbox(),
                ReplyFrame.failure(request.frame().requestId(), Failure.EXCHANGE_DOWN, reason));
        }
        inFlight.clear();
    }
}
