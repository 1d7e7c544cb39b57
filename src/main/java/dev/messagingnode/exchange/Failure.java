package dev.messagingnode.exchange;

/**
 * Every reason the node can give for refusing or failing a piece of work, in one catalogue.
 *
 * <p>Each failure has a stable wire code (carried as the Vert.x {@code ReplyException} failure code, and later on
 * the cluster transport and the bridges) and the HTTP status the HTTP surface answers with. Codes are explicit and
 * never derived from the ordinal, so the enum may be reordered or extended without breaking peers.
 */
public enum Failure {
    /** The named exchange does not exist on this node or in the directory. */
    NO_SUCH_EXCHANGE(4001, 404),
    /** The exchange exists but no service is registered on it. */
    NO_SERVICE(4002, 503),
    /** A configured bound (in-flight requests, pending requests, queued chunks) is reached. */
    OVER_CAPACITY(4003, 429),
    /** A message or chunk is larger than the exchange allows. */
    TOO_LARGE(4004, 413),
    /** No answer arrived within the allowed time. */
    TIMED_OUT(4005, 504),
    /** The service threw, failed the request explicitly, or sent an error frame. */
    SERVICE_FAILED(4006, 502),
    /** The exchange stopped (deleted, undeployed, or its node left) while the work was waiting on it. */
    EXCHANGE_DOWN(4007, 503),
    /** The input is malformed: bad name, bad option, unknown pattern, wrong pattern for the operation. */
    INVALID(4008, 400),
    /** An exchange of that name exists with a different definition. */
    CONFLICT(4009, 409),
    /** The other side cancelled the stream or went away. */
    CANCELLED(4010, 499),
    /** The other side of a dialogue ended it. */
    ENDED(4011, 410),
    /** An ack or nack for a task delivery this worker no longer holds (it timed out and was redelivered...). */
    NOT_HELD(4012, 409),
    /** A remote party, dialogue or stream named by id does not exist here (closed, expired, never existed). */
    NOT_FOUND(4013, 404),
    /** The HTTP API or a bridge refused the caller's credentials. */
    UNAUTHORIZED(4014, 401),
    /**
     * A durable exchange cannot commit: a majority of its replicas is unreachable from this node (the minority side
     * of a partition), or its replicas are electing a leader. Retryable: nothing was accepted.
     */
    NO_QUORUM(4015, 503);

    private final int code;
    private final int httpStatus;

    Failure(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The stable wire code. */
    public int code() {
        return code;
    }

    /** The HTTP status this failure maps to on the HTTP surface. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The failure of that name, or {@code null} when it is not one of this release's (a newer release's code). */
    public static Failure ofName(String name) {
        for (Failure f : values()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The failure with the given wire code, or {@code null} when the code is not one of ours. */
    public static Failure fromCode(int code) {
        for (Failure f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        return null;
    }
}
