package dev.messagingnode.durable;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.RegisterFrame;
import dev.messagingnode.exchange.UnregisterFrame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * What answers on a durable exchange's address on a replica that does not lead it while no leader is known here:
 * producers are told NO_QUORUM (503, retryable, with the reason: a majority unreachable, or an election under way),
 * never NO_SUCH_EXCHANGE; parties are told the exchange is not there yet, so they wait for it to come up on the
 * new leader and register there by themselves.
 */
final class StandIn {

    private final MessageConsumer<Object> consumer;

    StandIn(Vertx vertx, String exchange, DurableGroup group) {
        consumer = vertx.eventBus().consumer(Addresses.exchange(exchange), (Message<Object> m) -> {
            Object body = m.body();
            if (body instanceof RegisterFrame) {
                MessagingException.failReply(m, Failure.NO_SUCH_EXCHANGE, "durable exchange '" + exchange
                    + "' has no leader reachable from node " + group.settings().node() + " yet: "
                    + group.whyNot(exchange));
            } else if (body instanceof UnregisterFrame) {
                m.reply(null);
            } else {
                MessagingException.failReply(m, Failure.NO_QUORUM, group.whyNot(exchange));
            }
        });
    }

    void close() {
        consumer.unregister();
    }
}
