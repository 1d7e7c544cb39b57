package dev.messagingnode.exchange;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parties on this node, by address, for a send (no reply) to hand its frame to the party's handler on the
 * party's context without the event bus: an exchange's deliveries to its subscribers, consumers and workers, and
 * the answers a client's inbox is sent (a service's direct reply, a late first answer, a dialogue's notices). The
 * event bus did the same with a codec lookup, a delivery context and a message per delivery, four per publish
 * under pub-sub fan-out (JFR: about a seventh of the node's event loops). Exchanges are here too (their verticles
 * add themselves), so a frame from another node reaches its exchange the same way.
 *
 * <p>Requests are handed over here as well ({@link #request}), with the deadline kept by whoever asked: this node's
 * {@link LocalRequests}, or for a request from another node the requesting node's transport. The event bus's reply
 * registration and timer per request only duplicated that, and a reply from another node's request came back
 * through one more context before it crossed. A party stays an event-bus consumer too: Vert.x removes that consumer
 * when the party's verticle goes, which is how a vanished party is told apart here, and whatever still comes through
 * the event bus reaches it.
 *
 * <p>A send is handed over in order, as the event bus does: the party's context runs each in turn. A party whose
 * consumer Vert.x has removed (its verticle undeployed) receives nothing more, as on the event bus.
 */
public final class LocalParties {

    private record Party(Context context, MessageConsumer<Object> consumer, Handler<Message<Object>> handler) {
    }

    private final Map<String, Party> byAddress = new ConcurrentHashMap<>();
    /** The size after the last purge of parties whose consumer Vert.x removed without {@link #remove}. */
    private volatile int sizeAfterPurge;

    private LocalParties() {
    }

    /** This Vert.x instance's parties. */
    public static LocalParties of(Vertx vertx) {
        return ((Holder) vertx.sharedData().getLocalMap("messaging.parties")
            .computeIfAbsent("parties", k -> new Holder(new LocalParties()))).parties;
    }

    /** Sends to {@code consumer}'s address are handed to {@code handler} on {@code context} until {@link #remove}. */
    public void add(String address, Context context, MessageConsumer<Object> consumer, Handler<Message<Object>> handler) {
        byAddress.put(address, new Party(context, consumer, handler));
        if (byAddress.size() > 2 * sizeAfterPurge + 64) {
            // A verticle undeployed with parties it never closed: Vert.x removed their consumers, not these.
            byAddress.values().removeIf(p -> !p.consumer().isRegistered() && p.consumer() != consumer);
            sizeAfterPurge = byAddress.size();
        }
    }

    public void remove(String address) {
        byAddress.remove(address);
    }

    /** Removes {@code address} only while it is {@code consumer}'s: a newer consumer added since keeps it. */
    public void remove(String address, MessageConsumer<Object> consumer) {
        byAddress.computeIfPresent(address, (a, p) -> p.consumer() == consumer ? null : p);
    }

    /** True when a party here took the frame; false: send it on the event bus. */
    public boolean send(String address, Object frame) {
        Party p = byAddress.get(address);
        if (p == null) {
            return false;
        }
        p.context().runOnContext(v -> {
            if (p.consumer().isRegistered()) {
                p.handler().handle(new HandedOver(address, frame, null));
            }
        });
        return true;
    }

    /**
     * How a request handed over by {@link #request} is answered: once, on whatever thread the party answers (its own
     * context, or a later one where it answers asynchronously).
     */
    public interface Answer {
        void reply(Object body);

        void fail(ReplyException failure);
    }

    /**
     * Hands a request to the party at {@code address} on its context, as the event bus would, and {@code answer}
     * gets the party's reply or failure. A party whose consumer is gone by then leaves the request to the event bus,
     * with {@code timeoutMs} as its send timeout: another consumer of the address answers it, or, with none, the
     * event bus fails it as "no handlers" at once (an exchange takes that as a party that vanished before it saw the
     * work). A party that took it has no timeout here: the caller keeps the deadline. False when no party here has
     * that address: send it on the event bus.
     */
    public boolean request(String address, Object frame, long timeoutMs, Answer answer) {
        Party p = byAddress.get(address);
        if (p == null) {
            return false;
        }
        p.context().runOnContext(v -> {
            if (!p.consumer().isRegistered()) {
                // Its consumer went away since the look-up (its verticle stopped in between): the address is the
                // event bus's again, as if it had not been found here. Another consumer of it may answer (a durable
                // exchange's stand-in while its leader changes: "retry", not "no such exchange"); with none, the
                // event bus fails it as "no handlers" at once.
                onEventBus(p.context().owner(), address, frame, timeoutMs, answer);
                return;
            }
            HandedOver request = new HandedOver(address, frame, answer);
            try {
                p.handler().handle(request);
            } catch (RuntimeException e) {
                // As the event bus would report it (the context's exception handler), but the caller hears now,
                // not at its deadline.
                request.reply(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, -1, e.toString()), null);
                throw e;
            }
        });
        return true;
    }

    /** The event bus's request, at the caller's timeout (not the event bus's default of 30 s). */
    private static void onEventBus(Vertx vertx, String address, Object frame, long timeoutMs, Answer answer) {
        vertx.eventBus().request(address, frame, new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)))
            .onComplete(ar -> {
                if (ar.succeeded()) {
                    answer.reply(ar.result().body());
                } else {
                    answer.fail(ar.cause() instanceof ReplyException r ? r : new ReplyException(
                        ReplyFailure.RECIPIENT_FAILURE, -1, String.valueOf(ar.cause().getMessage())));
                }
            });
    }

    /**
     * A frame as its handler reads it. Sent ({@code answer} null): no one to answer, so a reply goes nowhere, as for
     * any send. Requested: {@link #reply} and {@link #fail} go to its {@link Answer}, once.
     */
    private static final class HandedOver implements Message<Object> {
        private final String address;
        private final Object body;
        private final Answer answer;
        /** A second answer is dropped, as the event bus drops one whose reply handler has gone. */
        private volatile boolean answered;

        HandedOver(String address, Object body, Answer answer) {
            this.address = address;
            this.body = body;
            this.answer = answer;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public MultiMap headers() {
            return MultiMap.caseInsensitiveMultiMap();
        }

        @Override
        public Object body() {
            return body;
        }

        @Override
        public String replyAddress() {
            return null;
        }

        @Override
        public boolean isSend() {
            return true;
        }

        @Override
        public void reply(Object message, DeliveryOptions options) {
            if (answer == null || answered) {
                return;
            }
            answered = true;
            if (message instanceof ReplyException failure) {
                answer.fail(failure); // what Message.fail and MessagingException.failReply send
            } else {
                answer.reply(message);
            }
        }

        @Override
        public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
            return Future.failedFuture(answer == null ? "a send has no one to answer"
                : "a request handed over is answered once, without a request back");
        }
    }

    private record Holder(LocalParties parties) implements Shareable {
    }
}
