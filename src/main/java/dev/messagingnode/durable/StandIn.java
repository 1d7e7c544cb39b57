package dev.messagingnode.durable;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.RegisterFrame;
import dev.messagingnode.exchange.Transport;
import dev.messagingnode.exchange.UnregisterFrame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;

/**
 * What answers on a durable exchange's address on a replica that does not lead it, for the moments its directory
 * does not yet show the leader running it (an election, a new leader starting its exchanges): work for the
 * exchange (enqueues, acks) goes on to the leader when this node knows one, else it is refused with NO_QUORUM
 * (503, retryable, with the reason: a majority unreachable, or an election under way), never NO_SUCH_EXCHANGE.
 * Parties are told the exchange is not there yet, so they wait for it to come up on the leader and register there.
 */
final class StandIn {

    private static final long FORWARD_MS = 10_000;
    private final MessageConsumer<Object> consumer;

    StandIn(Vertx vertx, String exchange, DurableGroup group) {
        Transport transport = Transport.of(vertx);
        consumer = vertx.eventBus().consumer(Addresses.exchange(exchange), (Message<Object> m) -> {
            Object body = m.body();
            String leader = group.leader();
            if (body instanceof RegisterFrame) {
                MessagingException.failReply(m, Failure.NO_SUCH_EXCHANGE, "durable exchange '" + exchange
                    + "' has no leader running it yet: " + group.whyNot(exchange));
            } else if (body instanceof UnregisterFrame) {
                m.reply(null);
            } else if (leader != null && !leader.equals(transport.node()) && group.hasQuorum()) {
                transport.request(Addresses.exchange(exchange) + "@" + leader, body, FORWARD_MS).onComplete(ar -> {
                    if (ar.succeeded()) {
                        m.reply(ar.result());
                    } else if (ar.cause() instanceof ReplyException r && r.failureCode() > 0) {
                        m.fail(r.failureCode(), r.getMessage());
                    } else {
                        MessagingException.failReply(m, Failure.NO_QUORUM, group.whyNot(exchange));
                    }
                });
            } else {
                MessagingException.failReply(m, Failure.NO_QUORUM, group.whyNot(exchange));
            }
        });
    }

    void close() {
        consumer.unregister();
    }
}
