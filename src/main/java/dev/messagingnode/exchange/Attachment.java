package dev.messagingnode.exchange;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The party side of a {@link Registration}: a consumer at the party's own address that receives the exchange's
 * work and notices (sends from this node come straight to its handler, see {@link LocalParties}), and a listener on
 * {@link Addresses#EXCHANGE_UP} that registers again when the exchange returns.
 *
 * <p>Both consumers are created on the caller's context. When the caller is a verticle that gets undeployed
 * without unregistering, Vert.x removes them, and the exchange finds the party gone (see
 * {@link ExchangeVerticle}).
 */
public final class Attachment implements Registration {

    private static final long REGISTER_MS = 10_000;

    private final Vertx vertx;
    /** Everything but the first half of {@link #unregister()} runs here, so the state needs no locks. */
    private final Context context;
    private final String exchange;
    private final String id = UUID.randomUUID().toString();
    private final String role;
    private final JsonObject params;
    private final Handler<Message<Object>> work;
    /** Registers with every node hosting the exchange, at an address those nodes can reach (services). */
    private final boolean acrossNodes;
    private final Transport transport;
    /** The exchange addresses this party is registered with. */
    private java.util.Set<String> registeredAt = java.util.Set.of();
    private final Promise<Void> firstAttach = Promise.promise();
    private MessageConsumer<Object> partyConsumer;
    private MessageConsumer<ExchangeNotice> upConsumer;
    private volatile State state = State.DETACHED;
    private volatile String detachedReason = "not yet registered";
    private Handler<State> stateHandler;
    private Handler<State> patternStateHandler;
    private boolean upWhileAttaching;
    private volatile JsonObject terms = new JsonObject();

    public Attachment(Vertx vertx, String exchange, String role, JsonObject params, Handler<Message<Object>> work) {
        this(vertx, exchange, role, params, work, false);
    }

    /**
     * With {@code acrossNodes}, the party registers with every node that hosts the exchange, and registers again as
     * hosts come and go (the directory announces each change locally on {@link Addresses#EXCHANGE_UP}).
     */
    public Attachment(Vertx vertx, String exchange, String role, JsonObject params, Handler<Message<Object>> work,
                      boolean acrossNodes) {
        this.acrossNodes = acrossNodes;
        this.transport = Transport.of(vertx);
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.exchange = exchange;
        this.role = role;
        this.params = params;
        this.work = work;
    }

    /**
     * Starts listening and sends the first register request, on the context that created the attachment (the
     * caller's verticle, when there is one: its undeployment then takes the consumers with it).
     */
    public Attachment start() {
        Frames.install(vertx);
        if (Vertx.currentContext() == context) {
            listen();
        } else {
            context.runOnContext(v -> listen());
        }
        return this;
    }

    private void listen() {
        if (state == State.CLOSED) {
            return;
        }
        partyConsumer = vertx.eventBus().consumer(Addresses.party(id), this::onPartyMessage);
        LocalParties.of(vertx).add(Addresses.party(id), context, partyConsumer, this::onPartyMessage);
        upConsumer = vertx.eventBus().consumer(Addresses.EXCHANGE_UP, this::onExchangeUp);
        Future.all(Consumers.registered(partyConsumer), Consumers.registered(upConsumer)).onComplete(ar -> attach());
    }

    /** What the exchange answered to the last registration, e.g. the prefetch it grants. */
    public JsonObject terms() {
        return terms;
    }

    public String address() {
        return acrossNodes ? transport.reachable(Addresses.party(id)) : Addresses.party(id);
    }

    private java.util.List<String> exchangeAddresses() {
        return acrossNodes ? transport.exchangeAddresses(exchange) : java.util.List.of(Addresses.exchange(exchange));
    }

    @Override
    public String exchange() {
        return exchange;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public Future<Void> attached() {
        return firstAttach.future();
    }

    @Override
    public Registration stateHandler(Handler<State> handler) {
        this.stateHandler = handler;
        return this;
    }

    @Override
    public String detachedReason() {
        return detachedReason;
    }

    @Override
    public Future<Void> unregister() {
        if (state == State.CLOSED) {
            return Future.succeededFuture();
        }
        setState(State.CLOSED);
        firstAttach.tryFail(new MessagingException(Failure.CANCELLED, "unregistered before attaching"));
        // The exchange hears it at once, even from another thread while this party's context is busy; the
        // consumers are removed on their own context.
        java.util.List<Future<Object>> tells = new java.util.ArrayList<>();
        java.util.Set<String> targets = new java.util.LinkedHashSet<>(registeredAt);
        targets.addAll(exchangeAddresses());
        for (String target : targets) {
            tells.add(transport.request(target, new UnregisterFrame(id), REGISTER_MS)
                .recover(t -> Future.succeededFuture()));
        }
        Future<Void> told = Future.join(tells).<Void>mapEmpty().recover(t -> Future.succeededFuture());
        Promise<Void> removed = Promise.promise();
        context.runOnContext(v -> removeConsumers().onComplete(removed));
        return Future.all(told, removed.future()).mapEmpty();
    }

    private Future<Void> removeConsumers() {
        if (partyConsumer == null) {
            return Future.succeededFuture();
        }
        LocalParties.of(vertx).remove(Addresses.party(id));
        return Future.all(partyConsumer.unregister(), upConsumer.unregister()).mapEmpty();
    }

    private void attach() {
        if (state == State.CLOSED) {
            return;
        }
        // Already attached (a host joined or left): register with the current hosts without leaving ATTACHED.
        boolean refresh = state == State.ATTACHED;
        if (!refresh) {
            setState(State.ATTACHING);
        }
        upWhileAttaching = false;
        RegisterFrame frame = new RegisterFrame(id, address(), role, params);
        java.util.List<String> targets = exchangeAddresses();
        java.util.List<Future<Object>> answers = new java.util.ArrayList<>();
        for (String target : targets) {
            answers.add(transport.request(target, frame, REGISTER_MS));
        }
        Future.join(answers).onComplete(all -> {
            if (state != (refresh ? State.ATTACHED : State.ATTACHING)) {
                return;
            }
            java.util.Set<String> at = new java.util.LinkedHashSet<>();
            Throwable firstFailure = null;
            JsonObject firstTerms = null;
            for (int i = 0; i < answers.size(); i++) {
                Future<Object> a = answers.get(i);
                if (a.succeeded()) {
                    at.add(targets.get(i));
                    if (firstTerms == null) {
                        firstTerms = a.result() instanceof JsonObject j ? j : new JsonObject();
                    }
                } else if (firstFailure == null) {
                    firstFailure = a.cause();
                }
            }
            if (refresh) {
                if (!at.isEmpty()) {
                    registeredAt = at;
                }
                return;
            }
            registeredAt = at;
            if (!at.isEmpty()) {
                terms = firstTerms;
                setState(State.ATTACHED);
                firstAttach.tryComplete();
                return;
            }
            MessagingException e = MessagingException.from(firstFailure, Failure.NO_SUCH_EXCHANGE,
                "no exchange named '" + exchange + "' yet; waiting for it to be created");
            detach(e.getMessage());
            if (e.failure() != Failure.NO_SUCH_EXCHANGE && e.failure() != Failure.TIMED_OUT) {
                firstAttach.tryFail(e);
            }
            if (upWhileAttaching) {
                attach();
            }
        });
    }

    private void onPartyMessage(Message<Object> message) {
        Object body = message.body();
        if (body instanceof PingFrame) {
            message.reply(null);
        } else if (body instanceof ExchangeNotice n && n.kind() == ExchangeNotice.Kind.DOWN) {
            if (state == State.ATTACHED) {
                detach("exchange-down: " + n.reason());
            }
        } else if (body instanceof ExchangeNotice n && n.kind() == ExchangeNotice.Kind.DISCONNECT) {
            disconnected(n.reason());
        } else if (state == State.CLOSED) {
            MessagingException.failReply(message, Failure.CANCELLED, "party " + id + " unregistered");
        } else {
            work.handle(message);
        }
    }

    /**
     * An exchange of that name started here, or (in a cluster) the set of nodes hosting it changed: register with
     * every host now. DOWN: no node hosts it any more.
     */
    private void onExchangeUp(Message<ExchangeNotice> message) {
        ExchangeNotice notice = message.body();
        if (!exchange.equals(notice.exchange())) {
            return;
        }
        if (notice.kind() == ExchangeNotice.Kind.DOWN) {
            if (state == State.ATTACHED) {
                detach("exchange-down: " + notice.reason());
            }
            return;
        }
        if (state == State.DETACHED || (state == State.ATTACHED && acrossNodes)) {
            attach();
        } else if (state == State.ATTACHING) {
            upWhileAttaching = true;
        }
    }

    /** The exchange cut this party off: it stays closed and does not register again. */
    private void disconnected(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        detachedReason = "disconnected: " + reason;
        setState(State.CLOSED);
        firstAttach.tryFail(new MessagingException(Failure.CANCELLED, detachedReason));
        removeConsumers();
    }

    /**
     * For the pattern's own client code (credit counters that must restart with a new exchange instance); the
     * user's {@link #stateHandler} stays free.
     */
    public Attachment patternStateHandler(Handler<State> handler) {
        this.patternStateHandler = handler;
        return this;
    }

    private void detach(String reason) {
        detachedReason = reason;
        setState(State.DETACHED);
    }

    private void setState(State next) {
        if (state == next) {
            return;
        }
        state = next;
        if (patternStateHandler != null) {
            patternStateHandler.handle(next);
        }
        Handler<State> h = stateHandler;
        if (h != null) {
            h.handle(next);
        }
    }
}
