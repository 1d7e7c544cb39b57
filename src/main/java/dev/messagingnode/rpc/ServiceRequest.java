package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Consumers;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.UUID;

/**
 * What a service sees of one request, or of one client turn in a dialogue, and the ways it can answer, exactly
 * once: {@link #reply} with a message, {@link #stream} a chunked response, {@link #ask} a question back, {@link #end}
 * a dialogue, or {@link #fail}. A handler that throws before answering fails the request for it.
 */
public final class ServiceRequest {

    private final Vertx vertx;
    private final Message<?> message;
    private final RequestFrame origin;
    private final Envelope envelope;
    private final ServiceStreams streams;
    private final long deadlineNanos;
    private boolean answered;

    ServiceRequest(Vertx vertx, Message<?> message, RequestFrame origin, Envelope envelope, ServiceStreams streams) {
        this.vertx = vertx;
        this.message = message;
        this.origin = origin;
        this.envelope = envelope;
        this.streams = streams;
        long timeoutMs = origin.timeoutMs() > 0 ? origin.timeoutMs()
            : origin.options() != null ? origin.options().requestTimeout().toMillis() : Long.MAX_VALUE / 2_000_000L;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
    }

    /**
     * When the client stops waiting for the first answer ({@link System#nanoTime()} scale): past it the client has
     * been told TIMED_OUT and an answer goes nowhere, so whoever holds the request for a remote program lets go.
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** The client's request (first turn) or answer (later turns). */
    public Envelope envelope() {
        return envelope;
    }

    public Buffer message() {
        return envelope.message();
    }

    public String tag() {
        return envelope.tag();
    }

    public String exchange() {
        return envelope.exchange();
    }

    /** True once this request has been answered in any way. */
    public boolean answered() {
        return answered;
    }

    /**
     * Answers with one message; the client gets it with its tag unchanged. A body over the exchange's
     * max-message-bytes is not sent: the client gets TOO_LARGE and this method throws it too.
     */
    public void reply(Buffer body) {
        checkSize(body, "reply");
        ReplyFrame reply = ReplyFrame.message(origin.requestId(), envelope.reply(body));
        if (origin.directAnswer() && message.body() instanceof RequestFrame) { // the first turn
            // The exchange asked for the first answer to go straight to the client (its node is neither ours nor
            // the client's): the exchange hears only that the request is settled.
            claim();
            Transport.of(vertx).send(origin.inbox(), reply);
            message.reply(null);
            return;
        }
        answer(reply);
    }

    /** Fails the request: the client gets SERVICE_FAILED with this detail. */
    public void fail(String detail) {
        claim();
        MessagingException.failReply(message, Failure.SERVICE_FAILED, detail);
    }

    /**
     * Answers with a chunked response sent straight to the requester, with credit-based back-pressure. Write to
     * the returned stream and end it; a requester that cancels or goes away fails it.
     */
    public ChunkedResponse stream() {
        answer(ReplyFrame.stream(origin.requestId(), envelope.reply(Buffer.buffer())));
        ChunkedResponse response = new ChunkedResponse(vertx, origin.inbox(), origin.requestId(), origin.options(),
            envelope.exchange());
        streams.track(response);
        return response;
    }

    /**
     * Answers with a question: the dialogue goes on. The returned future completes with the client's answer, a
     * new {@code ServiceRequest} to answer in turn; it fails with ENDED when the client ends the dialogue, and
     * with TIMED_OUT when no answer comes within the exchange's answer-timeout (the client is told too).
     */
    public Future<ServiceRequest> ask(Buffer question) {
        checkSize(question, "question");
        claim();
        Promise<ServiceRequest> next = Promise.promise();
        String address = Addresses.dialogue(UUID.randomUUID().toString());
        long timeoutMs = origin.options().answerTimeout().toMillis();
        MessageConsumer<AnswerFrame> consumer = vertx.eventBus().consumer(address);
        long timer = vertx.setTimer(timeoutMs, id -> consumer.unregister().onComplete(v -> {
            if (next.tryFail(new MessagingException(Failure.TIMED_OUT, "no answer within answer-timeout="
                + timeoutMs + "ms"))) {
                Transport.of(vertx).send(origin.inbox(), ReplyFrame.failure(origin.requestId(), Failure.TIMED_OUT,
                    "the service stopped waiting for an answer after " + timeoutMs + "ms"));
            }
        }));
        consumer.handler(answer -> {
            AnswerFrame frame = answer.body();
            int max = origin.options().maxMessageBytes();
            if (!frame.end() && frame.envelope().message().length() > max) {
                // Refuse this answer but keep the turn open: the client may send a smaller one.
                MessagingException.failReply(answer, Failure.TOO_LARGE, "answer of "
                    + frame.envelope().message().length() + " bytes exceeds max-message-bytes=" + max);
                return;
            }
            vertx.cancelTimer(timer);
            consumer.unregister();
            if (frame.end()) {
                answer.reply(null);
                next.tryFail(new MessagingException(Failure.ENDED, "the client ended the dialogue"));
            } else {
                next.tryComplete(new ServiceRequest(vertx, answer, origin, frame.envelope(), streams));
            }
        });
        Consumers.registered(consumer).onSuccess(v -> message.reply(
            ReplyFrame.question(origin.requestId(), envelope.reply(question), Transport.of(vertx).reachable(address),
                timeoutMs)));
        return next.future();
    }

    /** Ends the dialogue without a last message (a final {@link #reply} ends it too). */
    public void end() {
        answer(ReplyFrame.end(origin.requestId(), envelope.reply(Buffer.buffer())));
    }

    private void answer(ReplyFrame frame) {
        claim();
        message.reply(frame);
    }

    private void claim() {
        if (answered) {
            throw new IllegalStateException("request " + origin.requestId() + " was already answered");
        }
        answered = true;
    }

    private void checkSize(Buffer body, String what) {
        int max = origin.options().maxMessageBytes();
        if (body.length() > max) {
            String detail = what + " of " + body.length() + " bytes exceeds max-message-bytes=" + max;
            claim();
            MessagingException.failReply(message, Failure.TOO_LARGE, detail);
            throw new MessagingException(Failure.TOO_LARGE, detail);
        }
    }
}
