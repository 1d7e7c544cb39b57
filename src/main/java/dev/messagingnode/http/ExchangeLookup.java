package dev.messagingnode.http;

import dev.messagingnode.cluster.DirectoryEntry;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.MessagingNode;

/**
 * Checks, before a long-lived HTTP registration (an SSE subscription, a remote party) starts, that the exchange
 * exists in the cluster and has the right pattern. A Java registration would wait for a missing exchange; over HTTP
 * a clear 404 or 400 at once is what a client expects.
 */
final class ExchangeLookup {

    private ExchangeLookup() {
    }

    static DirectoryEntry require(MessagingNode node, String exchange, String pattern) {
        ExchangeName.validate(exchange);
        DirectoryEntry entry = node.directory().get(exchange).orElseThrow(() -> new MessagingException(
            Failure.NO_SUCH_EXCHANGE, "no exchange named '" + exchange + "'"));
        if (!entry.definition().pattern().equals(pattern)) {
            throw new MessagingException(Failure.INVALID, "exchange '" + exchange + "' is a "
                + entry.definition().pattern() + " exchange, not " + pattern);
        }
        return entry;
    }
}
