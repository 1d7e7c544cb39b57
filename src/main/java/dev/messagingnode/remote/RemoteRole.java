package dev.messagingnode.remote;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;

/** The parts a remote program may play, each on exchanges of one pattern. */
public enum RemoteRole {
    /** Answers requests of a request-response exchange. */
    SERVICE("service", "request-response"),
    /** Works tasks of a tasks exchange. */
    WORKER("worker", "tasks"),
    /** Consumes a sink exchange. */
    CONSUMER("consumer", "sink");

    private final String wireName;
    private final String pattern;

    RemoteRole(String wireName, String pattern) {
        this.wireName = wireName;
        this.pattern = pattern;
    }

    public String wireName() {
        return wireName;
    }

    public String pattern() {
        return pattern;
    }

    public static RemoteRole of(String name) {
        for (RemoteRole r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        throw new MessagingException(Failure.INVALID, "unknown role '" + name + "'; one of service, worker, consumer");
    }
}
