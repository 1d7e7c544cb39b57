package dev.messagingnode.sink;

import dev.messagingnode.exchange.AttachedParty;
import dev.messagingnode.exchange.Attachment;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jboss.logging.Logger;

/** Sending to and consuming from sink exchanges. */
public final class SinkClient {

    private static final Logger LOG = Logger.getLogger(SinkClient.class);
    private static final long CONFIRM_MS = 10_000;

    private final Vertx vertx;

    public SinkClient(Vertx vertx) {
        this.vertx = vertx;
        SinkFrames.install(vertx);
    }

    /**
     * Sends a message to a sink. The future completes once the exchange holds it (or, under {@code drop-newest}
     * with a full buffer, has counted it as dropped); it fails at once with NO_SUCH_EXCHANGE or TOO_LARGE. On a durable
     * sink it completes once the message is committed on a majority of its replicas; NO_QUORUM or EXCHANGE_DOWN
     * (both retryable) while they have no leader.
     */
    public Future<Void> send(String exchange, String tag, Buffer message, Map<String, String> headers) {
        try {
            ExchangeName.validate(exchange);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        SinkFrames.Send frame = new SinkFrames.Send(new Envelope(exchange, tag, message, headers));
        Transport transport = Transport.of(vertx);
        String address = transport.exchangeAddress(exchange);
        return transport.request(address, frame, CONFIRM_MS).<Void>mapEmpty()
            .recover(t -> Future.failedFuture(address.indexOf('@') >= 0 && MessagingException.isNoHandlers(t)
                // The exchange was there, on a node that has just left (a durable sink's leader killed): retryable.
                ? new MessagingException(Failure.EXCHANGE_DOWN, "the node that ran exchange '" + exchange + "' ("
                    + transport.nodeOf(address) + ") left the cluster; its replicas elect a new leader, retry")
                : MessagingException.from(t, Failure.NO_SUCH_EXCHANGE, "no exchange named '" + exchange + "'")));
    }

    /**
     * Registers a consumer. It gets batches of messages (a single message unless the exchange sets batch-size)
     * while it is the active consumer; each batch is acknowledged when the handler returns.
     */
    public SinkConsumer consume(String exchange, Handler<List<Delivery>> handler) {
        return consumeAcking(exchange, batch -> {
            try {
                handler.handle(batch);
            } catch (RuntimeException e) {
                LOG.warnf(e, "consumer of sink %s threw; the batch counts as handled", exchange);
            }
            return Future.succeededFuture();
        });
    }

    /**
     * Registers a consumer that acknowledges each batch when the future its handler returns succeeds: for consumers
     * that finish elsewhere (an HTTP program, a bridge client). A batch whose future fails stays unacknowledged, and
     * goes back to the head of the buffer for the next consumer when this one leaves.
     */
    public SinkConsumer consumeAcking(String exchange, Function<List<Delivery>, Future<Void>> handler) {
        DefaultConsumer[] self = new DefaultConsumer[1];
        Attachment attachment = new Attachment(vertx, exchange, SinkExchange.CONSUMER_ROLE, new JsonObject(),
            message -> self[0].receive(message.body()), true);
        self[0] = new DefaultConsumer(attachment, handler);
        attachment.patternStateHandler(state -> {
            if (state != Registration.State.ATTACHED) {
                self[0].active = false;
            }
        });
        attachment.start();
        return self[0];
    }

    private final class DefaultConsumer extends AttachedParty implements SinkConsumer {
        private final Function<List<Delivery>, Future<Void>> handler;
        private volatile boolean active;

        DefaultConsumer(Attachment attachment, Function<List<Delivery>, Future<Void>> handler) {
            super(attachment);
            this.handler = handler;
        }

        void receive(Object body) {
            if (body instanceof SinkFrames.Activated) {
                active = true;
            } else if (body instanceof SinkFrames.Batch batch) {
                Future<Void> handled;
                try {
                    handled = handler.apply(batch.deliveries());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "consumer of sink %s threw; the batch counts as handled", exchange());
                    handled = Future.succeededFuture();
                }
                handled.onSuccess(v -> Transport.of(vertx).send(batch.from(), new SinkFrames.Ack(id(), batch.seq())));
            }
        }

        @Override
        public boolean isActive() {
            return active;
        }
    }
}
