package dev.messagingnode.cluster;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.CreationGuard;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeNotice;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.HostedExchange;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.RegistryListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Keeps this node's part of the {@link Directory} and the directory itself current: announces the exchanges it
 * hosts whenever they change and whenever the membership changes (so joiners and healed partitions converge),
 * applies the others' announcements, steps down from names it lost, and takes over single-owner exchanges it was
 * configured for when their owner is gone.
 *
 * <p>It is also the registry's {@link CreationGuard}: a name taken elsewhere by another definition is a CONFLICT;
 * a single-owner exchange that exists elsewhere as defined is not created twice.
 */
public final class DirectoryService implements RegistryListener, CreationGuard {

    public static final String TOPIC = "directory";
    private static final Logger LOG = Logger.getLogger(DirectoryService.class);

    private final Vertx vertx;
    private final Context context;
    private final Cluster cluster;
    private final ExchangeRegistry registry;
    private final Predicate<String> singleOwnerPattern;
    private final Directory directory;
    /** What this node was asked to host (configuration, API): taken over when nobody hosts it any more. */
    private final Map<String, ExchangeDefinition> desired = new ConcurrentHashMap<>();
    private final Set<String> configured = ConcurrentHashMap.newKeySet();
    private long seq = System.currentTimeMillis() * 1000;
    private volatile boolean stopping;
    /** Names whose host Raft decides (durable exchanges): never stepped down from or taken over here. */
    private volatile Predicate<String> raftOwned = name -> false;
    /** The directory as last announced locally, to tell parties which names changed hosts. */
    private Map<String, DirectoryEntry> lastEntries = Map.of();

    public DirectoryService(Vertx vertx, Cluster cluster, ExchangeRegistry registry,
                            Predicate<String> singleOwnerPattern) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.cluster = cluster;
        this.registry = registry;
        this.singleOwnerPattern = singleOwnerPattern;
        this.directory = new Directory(singleOwnerPattern);
    }

    /** Hooks into the registry and the cluster; call before the cluster starts and exchanges are created. */
    public DirectoryService install() {
        registry.listener(this).guard(this);
        cluster.messageHandler(TOPIC, m -> onAnnouncement(Announcement.decode(m.payload())));
        cluster.membershipHandler(view -> {
            directory.retain(view.members());
            if (!view.joined().isEmpty() || view.merged()) {
                announce(); // tell the newcomers (or the other side of a partition) what is here
            }
            settle();
        });
        return this;
    }

    /**
     * An exchange this node's configuration names: wanted here even while the cluster runs another definition of
     * the name (a rolling update), so that it is taken over when nobody hosts the name any more.
     */
    public void configured(ExchangeDefinition definition) {
        configured.add(definition.name());
        desired.put(definition.name(), definition);
    }

    /** Durable exchanges: their leader hosts them, whatever the directory's oldest-wins rule would say. */
    public void raftOwned(Predicate<String> owned) {
        this.raftOwned = owned;
    }

    /** The node is shutting down: no more takeovers. */
    public void stop() {
        stopping = true;
    }

    public Directory directory() {
        return directory;
    }

    @Override
    public Future<Verdict> check(ExchangeDefinition definition) {
        Optional<DirectoryEntry> entry = directory.get(definition.name());
        desired.put(definition.name(), definition);
        if (entry.isEmpty() || entry.get().hosts().contains(cluster.localNode())) {
            return Future.succeededFuture(Verdict.CREATE_HERE);
        }
        DirectoryEntry e = entry.get();
        if (!e.definition().equals(definition)) {
            if (!configured.contains(definition.name())) {
                desired.remove(definition.name());
            }
            return MessagingException.failed(Failure.CONFLICT, "exchange '" + definition.name()
                + "' exists in the cluster as " + e.definition().pattern() + " " + e.definition().options()
                + " on " + e.hosts() + "; asked for " + definition.pattern() + " " + definition.options());
        }
        return Future.succeededFuture(singleOwnerPattern.test(definition.pattern())
            ? Verdict.EXISTS_ELSEWHERE : Verdict.CREATE_HERE);
    }

    @Override
    public void started(HostedExchange exchange) {
        onContext(this::announce);
    }

    @Override
    public void deleted(String name, boolean byRequest) {
        if (byRequest) {
            desired.remove(name);
        }
        onContext(this::announce);
    }

    private void announce() {
        Announcement mine = new Announcement(cluster.localNode(), ++seq, registry.hosted());
        directory.apply(mine);
        if (cluster.members().size() > 1) {
            // Alone, nobody listens; a node that joins later gets an announcement on its view change.
            cluster.broadcast(TOPIC, mine.encode());
        }
        settle();
    }

    private void onAnnouncement(Announcement a) {
        if (a.node().equals(cluster.localNode())) {
            return;
        }
        if (directory.apply(a)) {
            settle();
        }
    }

    /** Steps down from lost names; takes over wanted ones that nobody hosts. */
    private void settle() {
        if (stopping) {
            return;
        }
        noticeHostChanges();
        for (String lost : directory.lostBy(cluster.localNode())) {
            if (registry.isRunning(lost) && !raftOwned.test(lost)) {
                DirectoryEntry winner = directory.get(lost).orElse(null);
                LOG.warnf("exchange %s: this node steps down; the cluster keeps %s", lost,
                    winner == null ? "none" : winner.definition() + " on " + winner.hosts());
                registry.stepDown(lost);
            }
        }
        for (ExchangeDefinition wanted : desired.values()) {
            if (directory.get(wanted.name()).isEmpty() && !registry.isDefined(wanted.name())) {
                LOG.infof("exchange %s is hosted nowhere: this node takes it over", wanted.name());
                registry.createHere(wanted);
            }
        }
    }

    /**
     * Tells the parties on this node (their {@code Attachment}s listen on EXCHANGE_UP) of every name whose hosts
     * changed: UP to register with the current hosts, DOWN when no node hosts it any more.
     */
    private void noticeHostChanges() {
        Map<String, DirectoryEntry> now = directory.entries();
        if (now == lastEntries) {
            return;
        }
        for (Map.Entry<String, DirectoryEntry> e : now.entrySet()) {
            DirectoryEntry before = lastEntries.get(e.getKey());
            if (before == null || !before.hosts().equals(e.getValue().hosts())) {
                vertx.eventBus().publish(Addresses.EXCHANGE_UP, ExchangeNotice.up(e.getKey()));
            }
        }
        for (String gone : lastEntries.keySet()) {
            if (!now.containsKey(gone)) {
                vertx.eventBus().publish(Addresses.EXCHANGE_UP,
                    ExchangeNotice.down(gone, "no node of the cluster hosts it any more"));
            }
        }
        lastEntries = now;
    }

    private void onContext(Runnable r) {
        if (Vertx.currentContext() == context) {
            r.run();
        } else {
            context.runOnContext(v -> r.run());
        }
    }
}
