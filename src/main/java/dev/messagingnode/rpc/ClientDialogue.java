package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * The client's side of one dialogue: sends answers straight to the service's per-turn address and turns the
 * service's next turn into a {@link Reply}. Knows when the dialogue is over and why.
 */
final class ClientDialogue {

    private final RpcClient client;
    private final long requestId;
    private final long turnTimeoutMs;
    private final Promise<Void> closed = Promise.promise();
    /** When the service will have given up waiting for our answer, plus a grace; see {@link #checkExpired}. */
    private volatile long expiresAtNanos = Long.MAX_VALUE;

    ClientDialogue(RpcClient client, long requestId, long turnTimeoutMs) {
        this.client = client;
        this.requestId = requestId;
        this.turnTimeoutMs = turnTimeoutMs;
    }

    long requestId() {
        return requestId;
    }

    Future<Void> closed() {
        return closed.future();
    }

    Future<Reply> answer(String address, Envelope answer) {
        if (closed.future().isComplete()) {
            return Future.failedFuture(closedCause());
        }
        return client.transport().request(address, new AnswerFrame(answer, false), turnTimeoutMs)
            .recover(t -> {
                MessagingException e = MessagingException.from(t, Failure.ENDED, "the dialogue is over");
                if (e.failure() != Failure.TOO_LARGE) {
                    fail(e);
                }
                return Future.failedFuture(e);
            })
            .map(body -> client.toReply((ReplyFrame) body, this));
    }

    Future<Void> end(String address) {
        if (closed.future().isComplete()) {
            return Future.failedFuture(closedCause());
        }
        return client.transport().request(address, new AnswerFrame(null, true), turnTimeoutMs)
            .<Void>mapEmpty()
            .recover(t -> Future.failedFuture(MessagingException.from(t, Failure.ENDED, "the dialogue is over")))
            .onComplete(ar -> closeNormally());
    }

    /** A question arrived: the service waits {@code answerTimeoutMs} for the answer. */
    void questionAsked(long answerTimeoutMs) {
        expiresAtNanos = System.nanoTime() + (answerTimeoutMs + 1_000) * 1_000_000L;
    }

    /**
     * Closes a dialogue whose service can no longer be waiting: it timed out, or went away without a word (its
     * notice never came). Called by the client's sweep.
     */
    void checkExpired(long now) {
        if (now - expiresAtNanos > 0) {
            fail(new MessagingException(Failure.TIMED_OUT, "the service's answer-timeout passed without an answer"));
        }
    }

    void closeNormally() {
        client.forgetDialogue(requestId);
        closed.tryComplete();
    }

    void fail(MessagingException cause) {
        client.forgetDialogue(requestId);
        closed.tryFail(cause);
    }

    private Throwable closedCause() {
        Throwable t = closed.future().cause();
        return t != null ? t : new MessagingException(Failure.ENDED, "the dialogue is over");
    }
}
