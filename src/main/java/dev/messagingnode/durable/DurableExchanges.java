package dev.messagingnode.durable;

import dev.messagingnode.exchange.DurableCatalog;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Keeps this node's exchanges in line with its replica set's log: while this node leads, it runs every durable
 * exchange of the log (after its first command of the term, so that it starts from every committed entry); while it
 * does not, it runs none of them and a {@link StandIn} answers on their addresses. Parties on every node follow:
 * the leader's exchanges appear in the directory and parties register with them there.
 *
 * <p>It is also the registry's {@link DurableCatalog}: a durable definition, from configuration or from the API on
 * any node, is a command of the log, and so is its deletion.
 */
public final class DurableExchanges implements DurableCatalog {

    private static final Logger LOG = Logger.getLogger(DurableExchanges.class);
    private static final long HOSTED_WAIT_MS = 5_000;

    private final Vertx vertx;
    private final Context context;
    private final DurableGroup group;
    private final ExchangeRegistry registry;
    private final Predicate<String> hostedSomewhere;
    private final Map<String, ExchangeDefinition> configured = new LinkedHashMap<>();
    private final Map<String, StandIn> standIns = new HashMap<>();
    /** The durable exchanges this node runs as leader. */
    private final Set<String> hosted = new HashSet<>();
    private final Set<String> configuredProposed = new HashSet<>();
    private long readyTerm = -1;
    private boolean firstCommandPending;
    private boolean started;
    private volatile boolean stopping;
    private long timer = -1;

    /**
     * @param hostedSomewhere true when some node of the cluster runs an exchange of that name (the directory)
     */
    public DurableExchanges(Vertx vertx, DurableGroup group, ExchangeRegistry registry,
                            Predicate<String> hostedSomewhere) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.group = group;
        this.registry = registry;
        this.hostedSomewhere = hostedSomewhere;
        group.onRoleChange(() -> context.runOnContext(v -> reconcile()));
        group.ledger().listener(() -> context.runOnContext(v -> reconcile()));
    }

    /** A durable exchange named in this node's configuration: the leader commits it when the log lacks it. */
    public void configured(ExchangeDefinition definition) {
        context.runOnContext(v -> {
            configured.put(definition.name(), definition);
            reconcile();
        });
    }

    /** From now on the log decides which exchanges run here; a sweep each second catches quorum changes. */
    public void start() {
        context.runOnContext(v -> {
            started = true;
            timer = vertx.setPeriodic(1000, id -> reconcile());
            reconcile();
        });
    }

    /** The node is shutting down: its exchanges stop with the registry, and nothing is started any more. */
    public void stop() {
        stopping = true;
        context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            standIns.values().forEach(StandIn::close);
            standIns.clear();
        });
    }

    @Override
    public boolean owns(String name) {
        return group.ledger().definition(name) != null;
    }

    @Override
    public Set<String> names() {
        return names(group.ledger().definitions());
    }

    private static Set<String> names(List<ExchangeDefinition> definitions) {
        Set<String> names = new HashSet<>();
        definitions.forEach(d -> names.add(d.name()));
        return names;
    }

    /** The durable exchanges of the log, in name order. */
    public List<ExchangeDefinition> definitions() {
        return group.ledger().definitions();
    }

    @Override
    public Future<Void> define(ExchangeDefinition definition) {
        return group.propose(definition.name(), Ledger.define(definition)).compose(answer -> {
            if (answer[0] == Ledger.CONFLICT) {
                return MessagingException.failed(Failure.CONFLICT, Ledger.detail(answer));
            }
            Promise<Void> up = Promise.promise();
            awaitHosted(definition.name(), System.currentTimeMillis() + HOSTED_WAIT_MS, up);
            return up.future();
        });
    }

    @Override
    public Future<Void> delete(String name) {
        return group.propose(name, Ledger.delete(name)).compose(answer -> answer[0] == Ledger.NO_SUCH_EXCHANGE
            ? MessagingException.failed(Failure.NO_SUCH_EXCHANGE, "no exchange named '" + name + "'")
            : Future.<Void>succeededFuture()).onSuccess(v -> context.runOnContext(x -> reconcile()));
    }

    /** Completes once a node runs the exchange (the leader has started it), or after the wait anyway. */
    private void awaitHosted(String name, long until, Promise<Void> up) {
        if (registry.isRunning(name) || hostedSomewhere.test(name) || System.currentTimeMillis() > until) {
            up.complete();
            return;
        }
        vertx.setTimer(20, id -> awaitHosted(name, until, up));
    }

    private void reconcile() {
        if (!started || stopping) {
            return;
        }
        List<ExchangeDefinition> defs = group.ledger().definitions();
        Set<String> names = names(defs);
        if (group.isLeader()) {
            lead(defs, names);
        } else {
            follow(defs);
        }
        for (String name : new ArrayList<>(standIns.keySet())) {
            if (!names.contains(name) && !configured.containsKey(name) || registry.isRunning(name)) {
                standIns.remove(name).close();
            }
        }
    }

    private void lead(List<ExchangeDefinition> defs, Set<String> names) {
        long term = group.term();
        if (readyTerm != term) {
            // A new term: first commit a command of our own, so that every entry committed before is applied here
            // before an exchange starts from the state.
            if (!firstCommandPending) {
                firstCommandPending = true;
                group.propose("", Ledger.leader(group.settings().node())).onComplete(ar -> {
                    firstCommandPending = false;
                    if (ar.succeeded()) {
                        readyTerm = term;
                    } else {
                        LOG.debugf("durable: the first command of term %d did not commit: %s", term, ar.cause());
                    }
                    reconcile();
                });
            }
            return;
        }
        for (ExchangeDefinition d : defs) {
            if (!hosted.contains(d.name()) && !registry.isDefined(d.name())) {
                hosted.add(d.name());
                // The stand-in answers until the exchange's own consumer is there: no moment without either.
                registry.createHere(d).onComplete(ar -> {
                    if (ar.failed()) {
                        hosted.remove(d.name());
                        LOG.errorf("durable exchange %s cannot start on its leader: %s", d.name(),
                            ar.cause().getMessage());
                        return;
                    }
                    StandIn s = standIns.remove(d.name());
                    if (s != null) {
                        s.close();
                    }
                });
            }
        }
        for (String name : new ArrayList<>(hosted)) {
            if (!names.contains(name)) {
                hosted.remove(name);
                registry.remove(name); // deleted in the log
            }
        }
        for (ExchangeDefinition c : configured.values()) {
            if (!names.contains(c.name()) && configuredProposed.add(c.name())) {
                define(c).onFailure(t -> {
                    configuredProposed.remove(c.name());
                    LOG.warnf("configured exchange '%s' is not defined in the log: %s", c.name(), t.getMessage());
                });
            }
        }
    }

    private void follow(List<ExchangeDefinition> defs) {
        for (String name : new ArrayList<>(hosted)) {
            LOG.infof("durable exchange %s: this node is no longer the leader; it stops here", name);
            registry.stepDown(name);
        }
        hosted.clear();
        readyTerm = -1;
        configuredProposed.clear();
        List<String> wanted = new ArrayList<>();
        defs.forEach(d -> wanted.add(d.name()));
        wanted.addAll(configured.keySet());
        for (String name : wanted) {
            if (!standIns.containsKey(name) && !registry.isDefined(name)) {
                standIns.put(name, new StandIn(vertx, name, group));
            }
        }
    }
}
