package dev.messagingnode.rpc;

import dev.messagingnode.exchange.AttachedParty;
import dev.messagingnode.exchange.Attachment;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;

/** Registers a service's handler on a request-response exchange and shields the exchange from its failures. */
public final class RpcService {

    private static final Logger LOG = Logger.getLogger(RpcService.class);

    private RpcService() {
    }

    /**
     * Registers {@code handler} as a service of {@code exchange}. The registration waits for the exchange if it
     * does not exist yet and registers again whenever it comes back.
     */
    public static Registration register(Vertx vertx, String exchange, Handler<ServiceRequest> handler) {
        RpcFrames.install(vertx);
        ServiceStreams streams = new ServiceStreams();
        Attachment attachment = new Attachment(vertx, exchange, RequestResponseExchange.SERVICE_ROLE,
            new JsonObject(), message -> serve(vertx, message, handler, streams), true);
        attachment.start();
        return new ServiceRegistration(attachment, streams);
    }

    /** The attachment, whose unregistering also ends the service's open streams with an error frame. */
    private static final class ServiceRegistration extends AttachedParty {
        private final ServiceStreams streams;

        ServiceRegistration(Attachment attachment, ServiceStreams streams) {
            super(attachment);
            this.streams = streams;
        }

        @Override
        public Future<Void> unregister() {
            return super.unregister().eventually(() -> streams.failAll("the service unregistered"
                + " (its node may be shutting down) before the stream ended"));
        }
    }

    private static void serve(Vertx vertx, Message<Object> message, Handler<ServiceRequest> handler,
                              ServiceStreams streams) {
        if (!(message.body() instanceof RequestFrame frame)) {
            MessagingException.failReply(message, Failure.INVALID, "a service takes requests only");
            return;
        }
        ServiceRequest request = new ServiceRequest(vertx, message, frame, frame.envelope(), streams);
        try {
            handler.handle(request);
        } catch (Throwable t) {
            // A throwing service must never leave its client in silence.
            LOG.debugf(t, "service of %s threw", frame.envelope().exchange());
            if (!request.answered()) {
                request.fail("the service threw " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
    }
}
