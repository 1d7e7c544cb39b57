package dev.messagingnode.exchange;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * What every exchange does whatever its pattern: it listens on its address, keeps its registered parties,
 * notices parties that vanish without unregistering, and tells everyone attached when it goes down.
 *
 * <p>A pattern subclasses it and implements {@link #onRegister}, {@link #onMessage} and {@link #onDown}. All of
 * them run on the exchange's own event loop, so pattern state needs no locks.
 */
public abstract class ExchangeVerticle extends AbstractVerticle {

    private static final Logger LOG = Logger.getLogger(ExchangeVerticle.class);

    protected final ExchangeDefinition definition;
    protected final ExchangeContext context;
    protected final Parties parties = new Parties();
    /** This exchange's meters, tagged with its name and pattern; removed when it stops. */
    protected final ExchangeMeters meters;
    /** How this exchange reaches its parties and clients, on this node or another. */
    protected Transport transport;
    private final Duration partyCheckInterval;
    private MessageConsumer<Object> consumer;
    private long sweepTimer = -1;
    private Runnable stopNodeLeft = () -> { };
    private boolean stopping;

    protected ExchangeVerticle(ExchangeDefinition definition, ExchangeContext context, Duration partyCheckInterval) {
        this.definition = definition;
        this.context = context;
        this.partyCheckInterval = partyCheckInterval;
        this.meters = new ExchangeMeters(context.meters(), definition.name(), definition.pattern());
    }

    public String name() {
        return definition.name();
    }

    @Override
    public void start(Promise<Void> started) {
        transport = Transport.of(vertx);
        io.vertx.core.Context here = vertx.getOrCreateContext(); // this verticle's own
        stopNodeLeft = transport.onNodeLeft(node -> here.runOnContext(v -> nodeLeft(node)));
        consumer = vertx.eventBus().consumer(Addresses.exchange(name()), this::dispatch);
        // Sends and other nodes' requests come straight to dispatch on this context, without the event bus.
        LocalParties.of(vertx).add(Addresses.exchange(name()), here, consumer, this::dispatch);
        sweepTimer = vertx.setPeriodic(partyCheckInterval.toMillis(), id -> checkParties());
        Consumers.registered(consumer).onComplete(started);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        stopping = true;
        vertx.cancelTimer(sweepTimer);
        stopNodeLeft.run();
        String reason = "exchange '" + name() + "' stopped";
        onDown(reason);
        ExchangeNotice down = ExchangeNotice.down(name(), reason);
        for (Party p : parties.drain()) {
            transport.send(p.address(), down);
        }
        LocalParties.of(vertx).remove(Addresses.exchange(name()), consumer);
        consumer.unregister().onComplete(stopped);
        meters.removeAll();
    }

    /** The work waiting in this exchange, as {@link ExchangeInfo#depth()} reports it; 0 where nothing waits. */
    protected long depth() {
        return 0;
    }

    /**
     * The answer to a {@link DetailFrame}: this node's figures, each party with its kind, node and what the pattern
     * says of it ({@link #describe(Party, JsonObject)}), the meters' snapshot and the pattern's own state.
     */
    private JsonObject detail() {
        JsonArray list = new JsonArray();
        for (Party p : parties.all()) {
            int at = p.address().lastIndexOf('@');
            JsonObject party = new JsonObject().put("id", p.id()).put("kind", p.role())
                .put("node", at < 0 ? transport.node() : p.address().substring(at + 1));
            describe(p, party);
            list.add(party);
        }
        JsonObject state = new JsonObject();
        describeState(state);
        return meters.snapshot().put("node", transport.node()).put("parties", parties.size()).put("depth", depth())
            .put("partyList", list).put("state", state);
    }

    /** What the pattern knows of one party: {@code held} items, a {@code leaseMs} left, its prefetch or credit. */
    protected void describe(Party party, JsonObject into) {
    }

    /** The pattern's own state for a person to read, e.g. tasks by state and priority. */
    protected void describeState(JsonObject into) {
    }

    /** Refuses a registration whose role this pattern does not take. */
    protected void requireRole(RegisterFrame frame, String role) {
        if (!role.equals(frame.role())) {
            throw new MessagingException(Failure.INVALID, "exchange '" + name() + "' is " + definition.pattern()
                + ": only " + role + "s register on it, not a " + frame.role());
        }
    }

    /** The refusal for a message this pattern does not take. */
    protected MessagingException unexpected(Object body) {
        return new MessagingException(Failure.INVALID, "exchange '" + name() + "' is " + definition.pattern()
            + " and does not take " + (body == null ? "an empty message" : body.getClass().getSimpleName()));
    }

    /** Refuses a message over the pattern's max-message-bytes with TOO_LARGE, and counts it. */
    protected boolean refuseTooLarge(Message<?> message, String what, int size, int max) {
        if (size <= max) {
            return false;
        }
        String detail = what + " of " + size + " bytes exceeds max-message-bytes=" + max + " of exchange '" + name()
            + "'";
        meters.refused("messaging.refused", Failure.TOO_LARGE, detail);
        MessagingException.failReply(message, Failure.TOO_LARGE, detail);
        return true;
    }

    protected boolean isStopping() {
        return stopping;
    }

    @SuppressWarnings("unchecked")
    private void dispatch(Message<Object> message) {
        Object body = message.body();
        try {
            if (body instanceof RegisterFrame r) {
                onRegister(r, (Message<RegisterFrame>) (Message<?>) message);
            } else if (body instanceof InfoFrame) {
                message.reply(new ExchangeInfo(name(), transport.node(), parties.size(), depth()));
            } else if (body instanceof DetailFrame) {
                message.reply(detail());
            } else if (body instanceof UnregisterFrame u) {
                Party gone = parties.remove(u.partyId());
                if (gone != null) {
                    onPartyGone(gone, "unregistered");
                }
                message.reply(null);
            } else {
                onMessage(message);
            }
        } catch (MessagingException e) {
            e.failReply(message);
        } catch (RuntimeException e) {
            LOG.errorf(e, "exchange %s failed on %s", name(), body == null ? "null" : body.getClass().getSimpleName());
            MessagingException.failReply(message, Failure.SERVICE_FAILED, "exchange '" + name() + "' failed: " + e);
        }
    }

    /**
     * Pings every party; one whose consumer is gone (Vert.x answers "no handlers" at once) is removed as if it had
     * unregistered. This catches a service whose verticle was undeployed without a word, even when no traffic
     * would have found out.
     */
    private void checkParties() {
        PingFrame ping = new PingFrame(name());
        long timeoutMs = partyCheckInterval.toMillis() * 5;
        for (Party p : parties.all()) {
            transport.request(p.address(), ping, timeoutMs).onFailure(t -> {
                if (MessagingException.isNoHandlers(t)) {
                    partyVanished(p);
                }
            });
        }
    }

    /** Every party on a node that left is gone: no need to wait for the next check. */
    private void nodeLeft(String node) {
        for (Party p : parties.all()) {
            if (node.equals(transport.nodeOf(p.address()))) {
                partyVanished(p);
            }
        }
    }

    /** This exchange's address as parties on any node reach it: where their credit, acks and settles go. */
    protected String reachableAddress() {
        return transport.reachable(Addresses.exchange(name()));
    }

    /** Called by patterns, too, when a send to a party finds no consumer. */
    protected void partyVanished(Party p) {
        if (parties.remove(p.id()) != null) {
            LOG.debugf("exchange %s: party %s (%s) vanished without unregistering", name(), p.id(), p.role());
            onPartyGone(p, "vanished");
        }
    }

    /**
     * A party asks to register. The pattern checks the role and parameters, adds it to {@link #parties} and
     * replies, or fails the message with {@link Failure#INVALID}.
     */
    protected abstract void onRegister(RegisterFrame frame, Message<RegisterFrame> message);

    /** Anything else sent to the exchange's address: requests, publishes, tasks, acks. */
    protected abstract void onMessage(Message<Object> message);

    /** A party left, by unregistering or by vanishing; the pattern takes back what it held. */
    protected void onPartyGone(Party party, String why) {
    }

    /** Called before the exchange stops because someone deleted it (not because its node goes or steps down). */
    protected void onDeletedByRequest() {
    }

    /** The registry tells the exchange that it is deleted on purpose, just before undeploying it. */
    final void deletedByRequest() {
        vertx.runOnContext(v -> onDeletedByRequest());
    }

    /** The exchange is stopping: fail or hand back everything waiting on it. */
    protected abstract void onDown(String reason);
}
