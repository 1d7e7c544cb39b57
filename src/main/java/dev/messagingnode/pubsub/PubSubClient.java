package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.AttachedParty;
import dev.messagingnode.exchange.Attachment;
import dev.messagingnode.exchange.CreditingHandler;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.LocalCodec;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.jboss.logging.Logger;

/** Publishing and subscribing on pubsub exchanges. */
public final class PubSubClient {

    private static final Logger LOG = Logger.getLogger(PubSubClient.class);
    private static final long CONFIRM_MS = 10_000;

    private final Vertx vertx;

    public PubSubClient(Vertx vertx) {
        this.vertx = vertx;
        LocalCodec.register(vertx.eventBus(), PublishFrame.class);
    }

    /**
     * Publishes a message. The future completes once the exchange has routed it, with the number of subscriptions
     * that matched (0 is not an error); it fails at once with NO_SUCH_EXCHANGE, TOO_LARGE or INVALID.
     */
    public Future<Integer> publish(String exchange, String key, Buffer message, Map<String, String> headers) {
        PublishFrame frame;
        try {
            frame = frame(exchange, key, message, headers);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        Transport transport = Transport.of(vertx);
        return transport.request(transport.exchangeAddress(exchange), frame, CONFIRM_MS)
            .map(body -> (Integer) body)
            .recover(t -> Future.failedFuture(MessagingException.from(t, Failure.NO_SUCH_EXCHANGE,
                "no exchange named '" + exchange + "'")));
    }

    /**
     * Publishes without waiting for the exchange (NATS-core semantics, for those who want speed over a confirm): the
     * future completes as soon as the message is handed to the transport, or fails at once with INVALID for a bad
     * exchange name or routing key. Nobody is told of what the exchange refuses (too large, no such exchange, no
     * route): the message is dropped and counted there, like a core NATS publish with no subscriber.
     */
    public Future<Void> publishAndForget(String exchange, String key, Buffer message, Map<String, String> headers) {
        PublishFrame frame;
        try {
            frame = frame(exchange, key, message, headers);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        Transport transport = Transport.of(vertx);
        transport.send(transport.exchangeAddress(exchange), frame);
        return Future.succeededFuture();
    }

    /** The frame of a publish; INVALID for a bad exchange name or routing key, before anything is sent. */
    private static PublishFrame frame(String exchange, String key, Buffer message, Map<String, String> headers) {
        ExchangeName.validate(exchange);
        RoutingKeys.validateKey(key);
        return new PublishFrame(key, new Envelope(exchange, null, message, headers));
    }

    /**
     * Subscribes {@code handler} to the messages whose key matches {@code pattern}; each delivery carries
     * {@code tag}. A bad pattern fails {@link Registration#attached()} with INVALID.
     */
    public Subscription subscribe(String exchange, String pattern, String tag, Handler<Delivery> handler) {
        try {
            RoutingKeys.validatePattern(pattern);
        } catch (MessagingException e) {
            return new RefusedSubscription(exchange, pattern, e);
        }
        JsonObject params = new JsonObject().put("pattern", pattern).put("tag", tag);
        DefaultSubscription[] self = new DefaultSubscription[1];
        Attachment attachment = new Attachment(vertx, exchange, PubSubExchange.SUBSCRIBER_ROLE, params,
            message -> self[0].deliver(message.body()), true);
        self[0] = new DefaultSubscription(attachment, pattern, new CreditingHandler(vertx, attachment), handler);
        attachment.start();
        return self[0];
    }

    private static final class DefaultSubscription extends AttachedParty implements Subscription {
        private final String pattern;
        private final CreditingHandler credit;
        private final Handler<Delivery> handler;
        private volatile long dropped;

        DefaultSubscription(Attachment attachment, String pattern, CreditingHandler credit, Handler<Delivery> handler) {
            super(attachment);
            this.pattern = pattern;
            this.credit = credit;
            this.handler = handler;
        }

        void deliver(Object body) {
            if (!(body instanceof Delivery d)) {
                return;
            }
            dropped = d.dropped();
            try {
                handler.handle(d);
            } catch (RuntimeException e) {
                LOG.warnf(e, "subscriber of %s (%s) threw; the message is considered handled", exchange(), pattern);
            } finally {
                credit.handled(d.from());
            }
        }

        @Override
        public String pattern() {
            return pattern;
        }

        @Override
        public long dropped() {
            return dropped;
        }
    }

    /** A subscription refused before it was sent: closed, with the reason. */
    private record RefusedSubscription(String exchange, String pattern, MessagingException reason)
        implements Subscription {

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public String id() {
            return "refused";
        }

        @Override
        public State state() {
            return State.CLOSED;
        }

        @Override
        public Future<Void> attached() {
            return Future.failedFuture(reason);
        }

        @Override
        public Registration stateHandler(Handler<State> handler) {
            return this;
        }

        @Override
        public String detachedReason() {
            return reason.getMessage();
        }

        @Override
        public Future<Void> unregister() {
            return Future.succeededFuture();
        }
    }
}
