package dev.messagingnode.remoteclient;

import dev.messagingnode.exchange.Failure;

/**
 * What the node refused, or what went wrong on the way: the node's own {@link Failure} (the same wire codes as
 * every other surface) and its precise detail. A lost connection is {@link Failure#CANCELLED}; an answer that did not
 * come within the client's deadline is {@link Failure#TIMED_OUT}.
 */
public final class RemoteException extends RuntimeException {

    private final Failure failure;
    private final int code;
    private final String detail;

    RemoteException(int code, String detail) {
        super(code + " " + name(code) + ": " + detail, null, false, false);
        this.code = code;
        this.failure = Failure.fromCode(code);
        this.detail = detail;
    }

    RemoteException(Failure failure, String detail) {
        this(failure.code(), detail);
    }

    /** The failure, or null for a code this client does not know (a newer node's). */
    public Failure failure() {
        return failure;
    }

    /** The wire code (4001 no such exchange, ...). */
    public int code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    private static String name(int code) {
        Failure f = Failure.fromCode(code);
        return f == null ? "UNKNOWN" : f.name();
    }
}
