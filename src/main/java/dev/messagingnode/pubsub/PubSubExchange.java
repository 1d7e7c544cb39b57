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
import java.util.TreeMap;

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
        /** The node the subscriber is on, and its address there (for a {@link FanOutFrame}'s target). */
        final String node;
        final String localAddress;
        final ArrayDeque<Published> held = new ArrayDeque<>();
        int inFlight;
        long dropped;
        /** Waiting in {@link #toPump} for the end of this turn. */
        boolean pumpDue;

        Subscriber(Party party, String pattern, String tag, String node) {
            this.party = party;
            this.pattern = pattern;
            this.tag = tag;
            this.node = node;
            this.localAddress = localPart(party.address());
        }
    }

    /** A publish as the exchange holds it for subscribers without credit, numbered in the order it came. */
    private record Published(long seq, PublishFrame frame) {
    }

    /** Numbers the publishes: what subscribers are released in one turn goes out in publish order. */
    private long publishSeq;
    /** Subscribers given credit in this turn, released together when it ends ({@link #pumpAll}). */
    private final List<Subscriber> toPump = new ArrayList<>();

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
        Subscriber s = new Subscriber(party, pattern, frame.params().getString("tag"), transport.nodeOf(party.address()));
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
                pumpLater(s);
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
        Published numbered = new Published(++publishSeq, p);
        List<Subscriber> now = new ArrayList<>(matched.size());
        for (Subscriber s : matched) {
            if (offer(s, numbered)) {
                now.add(s);
            }
        }
        deliver(numbered, now);
        message.reply(matched.size());
    }

    /**
     * True when the subscriber takes the publish now (counted against its credit); false when it is held for
     * later, dropped, or the subscriber was cut off.
     */
    private boolean offer(Subscriber s, Published p) {
        if (s.held.isEmpty() && hasCredit(s)) {
            take(s);
            return true;
        }
        if (s.held.size() < options.subscriberBuffer()) {
            s.held.add(p);
            return false;
        }
        if (options.slowSubscriberPolicy() == PubSubOptions.SlowSubscriberPolicy.DISCONNECT) {
            disconnect(s);
            return false;
        }
        if (options.subscriberBuffer() == 0) {
            s.dropped++;
        } else {
            s.held.poll();
            s.dropped++;
            s.held.add(p);
        }
        dropped.increment();
        return false;
    }

    /** Whether the subscriber may take one more delivery now (fewer than its prefetch unacknowledged). */
    private boolean hasCredit(Subscriber s) {
        return s.inFlight < options.subscriberPrefetch();
    }

    /** Whether something held for the subscriber can go to it now. */
    private boolean releasable(Subscriber s) {
        return hasCredit(s) && !s.held.isEmpty();
    }

    /** Whether the subscriber is on this node (its deliveries cross no network). */
    private boolean isHere(Subscriber s) {
        return s.node.equals(transport.node());
    }

    /** Counts a delivery out against the subscriber's credit. */
    private void take(Subscriber s) {
        s.inFlight++;
        delivered.increment();
    }

    /**
     * Hands one publish to the subscribers that took it: to one on this node directly, to those on another node as
     * one {@link FanOutFrame} per node (that node hands it to each of them), so that the publish crosses the network
     * once per node rather than once per subscriber. A single subscriber on a node gets its delivery as it is.
     */
    private void deliver(Published p, List<Subscriber> to) {
        Map<String, List<Subscriber>> byNode = null;
        for (Subscriber s : to) {
            if (isHere(s)) {
                transport.send(s.party.address(), delivery(s, p));
            } else {
                if (byNode == null) {
                    byNode = new HashMap<>();
                }
                byNode.computeIfAbsent(s.node, k -> new ArrayList<>(to.size())).add(s);
            }
        }
        if (byNode == null) {
            return;
        }
        PublishFrame f = p.frame();
        byNode.forEach((node, here) -> {
            if (here.size() == 1) {
                transport.send(here.get(0).party.address(), delivery(here.get(0), p));
                return;
            }
            List<FanOutFrame.Target> targets = new ArrayList<>(here.size());
            for (Subscriber s : here) {
                targets.add(new FanOutFrame.Target(s.localAddress, s.tag, s.dropped));
            }
            Envelope untagged = new Envelope(name(), null, f.envelope().message(), f.envelope().headers());
            transport.send(Addresses.EXPAND + "@" + node, new FanOutFrame(f.key(), untagged, reachableAddress(),
                targets));
        });
    }

    /** The publish as the subscriber receives it: its own tag, and how many it has lost so far. */
    private Delivery delivery(Subscriber s, Published p) {
        Envelope e = p.frame().envelope();
        return new Delivery(new Envelope(name(), s.tag, e.message(), e.headers()), p.frame().key(), s.dropped,
            reachableAddress());
    }

    /**
     * Releases what the subscriber's new credit allows: at once for one on this node; for one on another node once
     * this turn's other messages are handled, so that the credits of several subscribers (one batch from their
     * node) release their held publishes together, each publish once per node ({@link #deliver}). Released one
     * subscriber at a time, each publish crossed once per subscriber: under pub-sub fan-out to subscribers slower
     * than the publisher, nearly every delivery is such a release.
     */
    private void pumpLater(Subscriber s) {
        if (s.pumpDue || !releasable(s)) {
            return;
        }
        if (isHere(s)) {
            // On this node: nothing would cross the network once for several, so no reason to wait.
            while (releasable(s)) {
                take(s);
                transport.send(s.party.address(), delivery(s, s.held.poll()));
            }
            return;
        }
        s.pumpDue = true;
        if (toPump.isEmpty()) {
            vertx.runOnContext(v -> pumpAll());
        }
        toPump.add(s);
    }

    /**
     * Releases the held publishes that the subscribers in {@link #toPump} now have credit for, in publish order:
     * each subscriber's own in the order they came, and each publish once for all the subscribers that take it.
     */
    private void pumpAll() {
        List<Subscriber> due = new ArrayList<>(toPump);
        toPump.clear();
        // The releases of every due subscriber (all on other nodes), by publish: each subscriber's are in increasing
        // order already.
        TreeMap<Long, Release> bySeq = new TreeMap<>();
        for (Subscriber s : due) {
            s.pumpDue = false;
            if (subscribers.get(s.party.id()) != s) {
                continue; // cut off or gone since its credit came
            }
            while (releasable(s)) {
                Published p = s.held.poll();
                take(s);
                bySeq.computeIfAbsent(p.seq(), k -> new Release(p, new ArrayList<>(due.size()))).to().add(s);
            }
        }
        for (Release r : bySeq.values()) {
            deliver(r.publish(), r.to());
        }
    }

    /** One held publish and the subscribers it is released to in one {@link #pumpAll}. */
    private record Release(Published publish, List<Subscriber> to) {
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
