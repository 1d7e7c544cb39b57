package dev.messagingnode.exchange;

/**
 * Every event-bus address the node uses, built in one place. All of them live under {@code messaging.} so that
 * the bridges can permit or deny them by prefix.
 */
public final class Addresses {

    /** Published when an exchange starts, with an {@link ExchangeNotice}: parties waiting for it register again. */
    public static final String EXCHANGE_UP = "messaging.exchange-up";
    /** The node's exchange registry: create, delete and list exchanges. */
    public static final String ADMIN = "messaging.admin";

    private Addresses() {
    }

    /** Where an exchange receives requests, registrations and unregistrations. */
    public static String exchange(String name) {
        return "messaging.x." + name;
    }

    /** A registered party (service, subscriber, worker, consumer): what the exchange sends to it, and notices. */
    public static String party(String id) {
        return "messaging.party." + id;
    }

    /** Where a node takes frames that its transport expands for several local addresses (see Expandable). */
    public static final String EXPAND = "messaging.expand";

    /** A client's inbox: replies, chunks and dialogue notices for the requests it sent. */
    public static String inbox(String clientId) {
        return "messaging.inbox." + clientId;
    }

    /** One open dialogue on the service side: where the client's answers go. */
    public static String dialogue(String id) {
        return "messaging.dialogue." + id;
    }
}
