package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The exchanges running on this node: creates them (each as a verticle of its pattern), deletes them, lists them,
 * and announces each start on {@link Addresses#EXCHANGE_UP} so that waiting parties register again.
 *
 * <p>It answers the same operations on {@link Addresses#ADMIN} so that any client on the node can create and
 * delete exchanges at run time. Later the cluster directory sits in front of it; this class stays node-local.
 */
public final class ExchangeRegistry {

    private static final Logger LOG = Logger.getLogger(ExchangeRegistry.class);

    private final Vertx vertx;
    private final Patterns patterns;
    private final ExchangeContext context;
    private final Map<String, Running> running = new HashMap<>();
    private MessageConsumer<AdminFrame> admin;

    private record Running(ExchangeDefinition definition, long createdAt, Future<String> deployment,
                           Verticle verticle) {
    }

    private volatile RegistryListener listener;
    private volatile CreationGuard guard = CreationGuard.ALLOW;
    private volatile int maxExchanges = Integer.MAX_VALUE;
    private volatile DurableCatalog durable;

    public ExchangeRegistry(Vertx vertx, Patterns patterns, ExchangeContext context) {
        this.vertx = vertx;
        this.patterns = patterns;
        this.context = context;
        Frames.install(vertx);
    }

    /** Starts answering admin requests on the event bus. */
    public Future<Void> start() {
        patterns.installNode(vertx);
        admin = vertx.eventBus().consumer(Addresses.ADMIN, this::onAdmin);
        return Consumers.registered(admin);
    }

    /** Deletes every exchange (each sends exchange-down) and stops answering admin requests. */
    public Future<Void> stop() {
        List<Future<Void>> all = new ArrayList<>();
        for (String name : names()) {
            // Not deleted on purpose: a durable exchange stays in its log, a single-owner one is taken over.
            all.add(delete(name, false));
        }
        return Future.join(all).transform(ar -> admin == null ? Future.succeededFuture() : admin.unregister());
    }

    /** Told of every start and stop of an exchange here. */
    public ExchangeRegistry listener(RegistryListener listener) {
        this.listener = listener;
        return this;
    }

    /**
     * The most exchanges this node runs ({@code messaging.max-exchanges}): one more is refused with OVER_CAPACITY,
     * so that neither memory nor the metrics page grows without bound.
     */
    public ExchangeRegistry maxExchanges(int max) {
        this.maxExchanges = max;
        return this;
    }

    /** Where durable definitions go instead of being created here; without one they are refused. */
    public ExchangeRegistry durable(DurableCatalog catalog) {
        this.durable = catalog;
        return this;
    }

    /** Asked before every creation (the cluster directory's say on names taken elsewhere). */
    public ExchangeRegistry guard(CreationGuard guard) {
        this.guard = guard;
        return this;
    }

    /**
     * Creates and starts an exchange. Completes when it runs (or, in a cluster, when it already exists elsewhere as
     * defined); fails with {@link Failure#INVALID} for a bad name, pattern or option, {@link Failure#CONFLICT} when
     * the name is taken by another definition, here or elsewhere.
     */
    public Future<Void> create(ExchangeDefinition definition) {
        synchronized (this) {
            Running existing = running.get(definition.name());
            if (existing != null && existing.definition().equals(definition)) {
                return existing.deployment().mapEmpty();
            }
        }
        try {
            ExchangeName.validate(definition.name());
            patterns.get(definition.pattern()).validate(definition);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        if (patterns.isDurable(definition)) {
            DurableCatalog catalog = durable;
            if (catalog == null) {
                return MessagingException.failed(Failure.INVALID, "exchange '" + definition.name() + "' is durable"
                    + " (the default for " + definition.pattern() + ") but this node has no replica set: name the"
                    + " replicas in messaging.durable.members, or create it with option durable=false");
            }
            java.util.Set<String> all = catalog.names();
            synchronized (this) {
                all.addAll(running.keySet());
            }
            if (!all.contains(definition.name()) && all.size() >= maxExchanges) {
                return MessagingException.failed(Failure.OVER_CAPACITY, "this node already runs " + maxExchanges
                    + " exchanges (messaging.max-exchanges); delete one first");
            }
            return catalog.define(definition);
        }
        return guard.check(definition).compose(verdict -> verdict == CreationGuard.Verdict.CREATE_HERE
            ? createHere(definition) : Future.succeededFuture());
    }

    /** Creates the exchange on this node, whatever the cluster says: for the directory's own takeovers. */
    public Future<Void> createHere(ExchangeDefinition definition) {
        Verticle verticle;
        synchronized (this) {
            try {
                ExchangeName.validate(definition.name());
                Running existing = running.get(definition.name());
                if (existing != null) {
                    if (existing.definition().equals(definition)) {
                        return existing.deployment().mapEmpty();
                    }
                    return MessagingException.failed(Failure.CONFLICT, "exchange '" + definition.name()
                        + "' already exists as " + describe(existing.definition()) + "; asked for "
                        + describe(definition));
                }
                if (running.size() >= maxExchanges) {
                    return MessagingException.failed(Failure.OVER_CAPACITY, "this node already runs "
                        + maxExchanges + " exchanges (messaging.max-exchanges); delete one first");
                }
                ExchangePattern pattern = patterns.get(definition.pattern());
                Object options = pattern.validate(definition);
                verticle = pattern.create(definition, options, context);
            } catch (MessagingException e) {
                return Future.failedFuture(e);
            }
            Future<String> deployment = vertx.deployVerticle(verticle);
            long createdAt = System.currentTimeMillis();
            running.put(definition.name(), new Running(definition, createdAt, deployment, verticle));
            return deployment.onSuccess(id -> {
                LOG.infof("exchange %s (%s) started", definition.name(), definition.pattern());
                vertx.eventBus().publish(Addresses.EXCHANGE_UP, ExchangeNotice.up(definition.name()));
                RegistryListener l = listener;
                if (l != null) {
                    l.started(new HostedExchange(definition, createdAt));
                }
            }).onFailure(t -> {
                synchronized (this) {
                    running.remove(definition.name());
                }
            }).mapEmpty();
        }
    }

    /**
     * Deletes an exchange on purpose; everyone attached to it gets exchange-down. A durable one is deleted in its
     * log, on every replica.
     */
    public Future<Void> delete(String name) {
        DurableCatalog catalog = durable;
        if (catalog != null && catalog.owns(name)) {
            return catalog.delete(name);
        }
        return delete(name, true);
    }

    /** Stops an exchange that was deleted on purpose elsewhere (a durable one, in its log). */
    public Future<Void> remove(String name) {
        return delete(name, true);
    }

    /**
     * Stops an exchange because the cluster chose another node's definition or owner for its name; attached parties
     * get exchange-down and register again wherever the exchange now lives.
     */
    public Future<Void> stepDown(String name) {
        return delete(name, false);
    }

    private Future<Void> delete(String name, boolean byRequest) {
        Running r;
        synchronized (this) {
            r = running.remove(name);
        }
        if (r == null) {
            return MessagingException.failed(Failure.NO_SUCH_EXCHANGE, "no exchange named '" + name + "'");
        }
        if (byRequest && r.verticle() instanceof ExchangeVerticle ev && r.deployment().succeeded()) {
            ev.deletedByRequest();
        }
        // Told at once, not after the undeployment: from now on the name is not hosted here.
        RegistryListener l = listener;
        if (l != null) {
            l.deleted(name, byRequest);
        }
        return r.deployment().compose(vertx::undeploy)
            .onSuccess(v -> LOG.infof("exchange %s deleted", name));
    }

    /** The exchanges running here, with their creation times, in no particular order (announced on every change). */
    public synchronized List<HostedExchange> hosted() {
        List<HostedExchange> out = new ArrayList<>();
        for (Running r : running.values()) {
            if (r.deployment().succeeded()) {
                out.add(new HostedExchange(r.definition(), r.createdAt()));
            }
        }
        return out;
    }

    public synchronized List<ExchangeDefinition> list() {
        List<ExchangeDefinition> defs = new ArrayList<>();
        for (Running r : running.values()) {
            defs.add(r.definition());
        }
        defs.sort(Comparator.comparing(ExchangeDefinition::name));
        return defs;
    }

    /** True when the exchange is defined here and its verticle has started. */
    public synchronized boolean isRunning(String name) {
        Running r = running.get(name);
        return r != null && r.deployment().succeeded();
    }

    /** True when the exchange is defined here, started or still starting. */
    public synchronized boolean isDefined(String name) {
        return running.containsKey(name);
    }

    private synchronized List<String> names() {
        return new ArrayList<>(running.keySet());
    }

    private void onAdmin(Message<AdminFrame> message) {
        Future<?> result;
        AdminFrame frame = message.body();
        if (frame instanceof AdminFrame.Create c) {
            result = create(c.definition());
        } else if (frame instanceof AdminFrame.Delete d) {
            result = delete(d.name());
        } else {
            result = Future.succeededFuture(new AdminFrame.Listing(list()));
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(ar.result());
            } else {
                MessagingException.from(ar.cause(), Failure.SERVICE_FAILED, "registry gone").failReply(message);
            }
        });
    }

    private static String describe(ExchangeDefinition d) {
        return d.pattern() + (d.options().isEmpty() ? "" : " " + d.options());
    }
}
