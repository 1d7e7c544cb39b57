package dev.messagingnode.exchange;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parties on this node, by address, for a send (no reply) to hand its frame to the party's handler on the
 * party's context without the event bus: an exchange's deliveries to its subscribers, consumers and workers, and
 * the answers a client's inbox is sent (a service's direct reply, a late first answer, a dialogue's notices). The
 * event bus did the same with a codec lookup, a delivery context and a message per delivery, four per publish
 * under pub-sub fan-out (JFR: about a seventh of the node's event loops). Requests still go through the event bus,
 * which routes their replies; a party stays an event-bus consumer too, for those and for other nodes.
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

    /** True when a party here took the frame; false: send it on the event bus. */
    public boolean send(String address, Object frame) {
        Party p = byAddress.get(address);
        if (p == null) {
            return false;
        }
        p.context().runOnContext(v -> {
            if (p.consumer().isRegistered()) {
                p.handler().handle(new Sent(address, frame));
            }
        });
        return true;
    }

    /** A sent frame as its handler reads it: no reply address, so a reply goes nowhere, as for any send. */
    private record Sent(String address, Object body) implements Message<Object> {
        @Override
        public MultiMap headers() {
            return MultiMap.caseInsensitiveMultiMap();
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
            // a send has no one to answer
        }

        @Override
        public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
            return Future.failedFuture("a send has no one to answer");
        }
    }

    private record Holder(LocalParties parties) implements Shareable {
    }
}
