package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one error type of the Java API: which {@link Failure} happened, and a precise, human-readable detail.
 *
 * <p>This class is also the single place where failures cross the event bus: {@link #failReply} turns one into a
 * {@link ReplyException} with our wire code, {@link #from} turns whatever came back (ours or Vert.x's own
 * no-handlers / timeout) into one of ours.
 */
public final class MessagingException extends VertxException {

    private final Failure failure;

    public MessagingException(Failure failure, String detail) {
        super(failure + ": " + detail, true);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    /** The detail without the failure prefix. */
    public String detail() {
        String m = getMessage();
        int i = m.indexOf(": ");
        return i < 0 ? m : m.substring(i + 2);
    }

    public static <T> Future<T> failed(Failure failure, String detail) {
        return Future.failedFuture(new MessagingException(failure, detail));
    }

    /** Answers an event-bus request with this failure. */
    public void failReply(Message<?> message) {
        message.fail(failure.code(), detail());
    }

    /** Answers an event-bus request with the given failure. */
    public static void failReply(Message<?> message, Failure failure, String detail) {
        message.fail(failure.code(), detail);
    }

    /**
     * Maps any throwable met on the event bus to our error type. {@code noHandlers} is what a missing consumer
     * means in the caller's situation (no such exchange, service gone, requester gone).
     */
    public static MessagingException from(Throwable t, Failure noHandlers, String noHandlersDetail) {
        if (t instanceof MessagingException m) {
            return m;
        }
        if (t instanceof ReplyException r) {
            if (r.failureType() == ReplyFailure.NO_HANDLERS) {
                return new MessagingException(noHandlers, noHandlersDetail);
            }
            if (r.failureType() == ReplyFailure.TIMEOUT) {
                return new MessagingException(Failure.TIMED_OUT, "no answer in time");
            }
            Failure f = Failure.fromCode(r.failureCode());
            if (f != null) {
                return new MessagingException(f, String.valueOf(r.getMessage()));
            }
            return new MessagingException(Failure.SERVICE_FAILED, String.valueOf(r.getMessage()));
        }
        return new MessagingException(Failure.SERVICE_FAILED, t.getClass().getSimpleName() + ": " + t.getMessage());
    }

    /** True when the throwable is Vert.x telling that nobody consumes the address. */
    public static boolean isNoHandlers(Throwable t) {
        return t instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
    }
}
