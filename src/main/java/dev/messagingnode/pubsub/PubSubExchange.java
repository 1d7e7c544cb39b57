package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.CreditFrame;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeNotice;
import dev.messagingnode.exchange.ExchangeVerticle;
import dev.messagingnode.exchange.LocalCodec;
import dev.messagingnode.exchange.Party;
import dev.messagingnode.exchange.RegisterFrame;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import dev.messagingnode.exchange.Addresses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A pubsub exchange: matches each publish against its subscriptions (a {@link TopicTrie}) and hands a copy to each
 * matching subscriber, within that subscriber's credit. What a subscriber cannot take yet waits in its own bounded
 * buffer; when that is full the exchange's slow-subscriber policy drops the oldest or disconnects the subscriber.
 */
final class PubSubExchange extends ExchangeVerticle {

    static final String SUBSCRIBER_ROLE = "subscriber";

    private final PubSubOptions options;
    private final TopicTrie<Subscriber> trie = new TopicTrie<>();
    private final Map<String, Subscriber> subscribers = new HashMap<>();
    private final Counter published;
    private final Counter delivered;
    private final Counter dropped;
    private final Counter disconnected;

    /** One subscription as the exchange keeps it. */
    private static final class Subscriber {
        final Party party;
        final String pattern;
        final String tag;
        final ArrayDeque<Delivery> held = new ArrayDeque<>();
        int inFlight;
        long dropped;

        Subscriber(Party party, String pattern, String tag) {
            this.party = party;
            this.pattern = pattern;
            this.tag = tag;
        }
    }

    /** A subscriber's pattern, deliveries held for it (credit exhausted), in flight, and what it lost. */
    @Override
    protected void describe(Party party, io.vertx.core.json.JsonObject into) {
        Subscriber s = subscribers.get(party.id());
        if (s != null) {
            into.put("pattern", s.pattern).put("held", s.held.size()).put("inFlight", s.inFlight)
                .put("dropped", s.dropped);
        }
    }

    PubSubExchange(ExchangeDefinition definition, PubSubOptions options, ExchangeContext context) {
        super(definition, context, options.partyCheckInterval());
        this.options = options;
        this.published = meters.counter("messaging.published");
        this.delivered = meters.counter("messaging.delivered");
        this.dropped = meters.counter("messaging.dropped");
        this.disconnected = meters.counter("messaging.subscribers.disconnected");
    }

    @Override
    public void start(Promise<Void> started) {
        LocalCodec.register(vertx.eventBus(), PublishFrame.class);
        meters.gauge("messaging.subscribers", subscribers::size);
        meters.gauge("messaging.subscribers.held", () -> subscribers.values().stream().mapToInt(s -> s.held.size()).sum());
        super.start(started);
    }

    @Override
    protected void onRegister(RegisterFrame frame, Message<RegisterFrame> message) {
        requireRole(frame, SUBSCRIBER_ROLE);
        String pattern = RoutingKeys.validatePattern(frame.params().getString("pattern"));
        Subscriber previous = subscribers.get(frame.partyId());
        if (previous != null && previous.pattern.equals(pattern)) {
            // The same subscription registering again (its node saw the exchange's hosts change): keep its
            // credit and what is held for it.
            message.reply(new JsonObject().put("prefetch", options.subscriberPrefetch()));
            return;
        }
        if (previous != null) {
            forget(previous);
        }
        Party party = Party.of(frame);
        Subscriber s = new Subscriber(party, pattern, frame.params().getString("tag"));
        parties.add(party);
        subscribers.put(party.id(), s);
        trie.add(pattern, s);
        message.reply(new JsonObject().put("prefetch", options.subscriberPrefetch()));
    }

    @Override
    protected void onMessage(Message<Object> message) {
        Object body = message.body();
        if (body instanceof PublishFrame p) {
            publish(p, message);
        } else if (body instanceof CreditFrame c) {
            Subscriber s = subscribers.get(c.partyId());
            if (s != null) {
                s.inFlight = Math.max(0, s.inFlight - c.credits());
                pump(s);
            }
        } else {
            throw unexpected(body);
        }
    }

    private void publish(PublishFrame p, Message<Object> message) {
        if (refuseTooLarge(message, "message", p.envelope().message().length(), options.maxMessageBytes())) {
            return;
        }
        RoutingKeys.validateKey(p.key());
        published.increment();
        Set<Subscriber> matched = trie.match(p.key());
        Map<String, List<FanOutFrame.Target>> byNode = new HashMap<>();
        for (Subscriber s : matched) {
            Delivery now = offer(s, p);
            if (now == null) {
                continue; // held for later, dropped, or the subscriber was cut off
            }
            String node = transport.nodeOf(s.party.address());
            if (node.equals(transport.node())) {
                transport.send(s.party.address(), now);
            } else {
                byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(new FanOutFrame.Target(
                    localPart(s.party.address()), s.tag, now.dropped()));
            }
        }
        // One copy per other node with subscribers ready for it; that node hands it to each of them.
        Envelope untagged = new Envelope(name(), null, p.envelope().message(), p.envelope().headers());
        byNode.forEach((node, targets) -> transport.send(Addresses.EXPAND + "@" + node,
            new FanOutFrame(p.key(), untagged, reachableAddress(), List.copyOf(targets))));
        message.reply(matched.size());
    }

    /** The delivery to send to the subscriber now, or null when it is held, dropped, or the subscriber cut off. */
    private Delivery offer(Subscriber s, PublishFrame p) {
        Envelope e = p.envelope();
        Delivery d = new Delivery(new Envelope(name(), s.tag, e.message(), e.headers()), p.key(), 0, reachableAddress());
        if (s.held.isEmpty() && s.inFlight < options.subscriberPrefetch()) {
            return take(s, d);
        }
        if (s.held.size() < options.subscriberBuffer()) {
            s.held.add(d);
            return null;
        }
        if (options.slowSubscriberPolicy() == PubSubOptions.SlowSubscriberPolicy.DISCONNECT) {
            disconnect(s);
            return null;
        }
        if (options.subscriberBuffer() == 0) {
            s.dropped++;
        } else {
            s.held.poll();
            s.dropped++;
            s.held.add(d);
        }
        dropped.increment();
        return null;
    }

    private void pump(Subscriber s) {
        while (s.inFlight < options.subscriberPrefetch() && !s.held.isEmpty()) {
            send(s, s.held.poll());
        }
    }

    private void send(Subscriber s, Delivery d) {
        transport.send(s.party.address(), take(s, d));
    }

    /** Counts a delivery out against the subscriber's credit, with its current drop count. */
    private Delivery take(Subscriber s, Delivery d) {
        s.inFlight++;
        delivered.increment();
        return s.dropped == d.dropped() ? d : new Delivery(d.envelope(), d.key(), s.dropped, d.from());
    }

    private static String localPart(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    private void disconnect(Subscriber s) {
        forget(s);
        parties.remove(s.party.id());
        disconnected.increment();
        transport.send(s.party.address(), ExchangeNotice.disconnect(name(), "subscriber-buffer="
            + options.subscriberBuffer() + " of exchange '" + name() + "' is full and its slow-subscriber-policy is"
            + " disconnect"));
    }

    private void forget(Subscriber s) {
        subscribers.remove(s.party.id());
        trie.remove(s.pattern, s);
    }

    @Override
    protected void onPartyGone(Party party, String why) {
        Subscriber s = subscribers.get(party.id());
        if (s != null) {
            forget(s);
        }
    }

    @Override
    protected void onDown(String reason) {
        subscribers.clear();
    }
}
