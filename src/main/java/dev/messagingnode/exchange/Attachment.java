package dev.messagingnode.exchange;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The party side of a {@link Registration}: a consumer at the party's own address that receives the exchange's
 * work and notices, and a listener on {@link Addresses#EXCHANGE_UP} that registers again when the exchange
 * returns.
 *
 * <p>Both consumers are created on the caller's context. When the caller is a verticle that gets undeployed
 * without unregistering, Vert.x removes them, and the exchange finds the party gone (see
 * {@link ExchangeVerticle}).
 */
public final class Attachment implements Registration {

    private static final DeliveryOptions REGISTER = new DeliveryOptions().setSendTimeout(10_000);

    private final Vertx vertx;
    /** Everything but the first half of {@link #unregister()} runs here, so the state needs no locks. */
    private final Context context;
    private final String exchange;
    private final String id = UUID.randomUUID().toString();
    private final String role;
    private final JsonObject params;
    private final Handler<Message<Object>> work;
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
        upConsumer = vertx.eventBus().consumer(Addresses.EXCHANGE_UP, this::onExchangeUp);
        Future.all(Consumers.registered(partyConsumer), Consumers.registered(upConsumer)).onComplete(ar -> attach());
    }

    /** What the exchange answered to the last registration, e.g. the prefetch it grants. */
    public JsonObject terms() {
        return terms;
    }

    public String address() {
        return Addresses.party(id);
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
        Future<Void> told = vertx.eventBus().request(Addresses.exchange(exchange), new UnregisterFrame(id), REGISTER)
            .<Void>mapEmpty().recover(t -> Future.succeededFuture());
        Promise<Void> removed = Promise.promise();
        context.runOnContext(v -> removeConsumers().onComplete(removed));
        return Future.all(told, removed.future()).mapEmpty();
    }

    private Future<Void> removeConsumers() {
        if (partyConsumer == null) {
            return Future.succeededFuture();
        }
        return Future.all(partyConsumer.unregister(), upConsumer.unregister()).mapEmpty();
    }

    private void attach() {
        if (state == State.CLOSED) {
            return;
        }
        setState(State.ATTACHING);
        upWhileAttaching = false;
        RegisterFrame frame = new RegisterFrame(id, address(), role, params);
        vertx.eventBus().request(Addresses.exchange(exchange), frame, REGISTER).onComplete(ar -> {
            if (state != State.ATTACHING) {
                return;
            }
            if (ar.succeeded()) {
                Object body = ar.result().body();
                terms = body instanceof JsonObject j ? j : new JsonObject();
                setState(State.ATTACHED);
                firstAttach.tryComplete();
                return;
            }
            MessagingException e = MessagingException.from(ar.cause(), Failure.NO_SUCH_EXCHANGE,
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

    private void onExchangeUp(Message<ExchangeNotice> message) {
        if (!exchange.equals(message.body().exchange())) {
            return;
        }
        if (state == State.DETACHED) {
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
