package dev.messagingnode.node;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.cluster.Cluster;
import dev.messagingnode.cluster.ClusterTransport;
import dev.messagingnode.cluster.Directory;
import dev.messagingnode.cluster.DirectoryService;
import dev.messagingnode.cluster.SingleNode;
import dev.messagingnode.cluster.jgroups.JGroupsCluster;
import dev.messagingnode.config.ClusterConfig;
import dev.messagingnode.config.ConfiguredExchanges;
import dev.messagingnode.config.DurableConfig;
import dev.messagingnode.durable.DurableExchanges;
import dev.messagingnode.durable.DurableGroup;
import dev.messagingnode.durable.DurableSettings;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.HeldBytes;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Patterns;
import dev.messagingnode.exchange.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The node inside Quarkus: at start it creates the exchange registry on Quarkus's Vert.x and the exchanges named
 * in configuration, and it offers a {@link MessagingClient} to application code. A bad exchange definition stops
 * the node at start with the precise reason, rather than leaving it half-configured.
 */
@ApplicationScoped
public class MessagingNode {

    private static final Logger LOG = Logger.getLogger(MessagingNode.class);

    private final Vertx vertx;
    private final List<ExchangeDefinition> configured;
    private final ExchangeRegistry registry;
    private final Cluster cluster;
    private final DirectoryService directory;
    private final Patterns patterns;
    /** This node's member of its replica set; null in a cluster that names no replicas (no durable exchanges). */
    private final DurableGroup durableGroup;
    private final DurableExchanges durableExchanges;
    private volatile boolean started;
    private volatile boolean draining;
    private MessagingClient client;

    public MessagingNode(Vertx vertx, Config config, ClusterConfig clusterConfig, DurableConfig durableConfig,
                         MeterRegistry meters) {
        this.vertx = vertx;
        this.patterns = StandardPatterns.all();
        String nodeName = clusterConfig.enabled() ? clusterConfig.settings().nodeName()
            : clusterConfig.nodeName().orElse("local");
        // Alone, the node is its own replica set; a cluster's replicas are named, the same list on each of them.
        List<String> replicas = durableConfig.members().orElse(clusterConfig.enabled() ? null : List.of(nodeName));
        this.durableGroup = replicas == null ? null : new DurableGroup(vertx, new DurableSettings(nodeName, replicas,
            java.nio.file.Path.of(durableConfig.dataDir()), durableConfig.maxLogBytes(), durableConfig.commitTimeout(),
            durableConfig.minFreeBytes()),
            patterns, meters);
        DurableGroup group = durableGroup;
        this.cluster = clusterConfig.enabled()
            ? new JGroupsCluster(vertx, clusterConfig.settings(), group == null ? List.of() : group.protocols(),
                channel -> {
                    if (group != null) {
                        group.attach(channel);
                    }
                })
            : new SingleNode(nodeName);
        this.configured = List.copyOf(ConfiguredExchanges.read(config, System.getenv()));
        this.registry = new ExchangeRegistry(vertx, patterns, new ExchangeContext(meters, durableGroup))
            .maxExchanges(config.getOptionalValue("messaging.max-exchanges", Integer.class).orElse(1000));
        // The node-wide bound on message bytes its exchanges hold (default: a sixteenth of the heap, see HeldBytes).
        HeldBytes held = HeldBytes.of(vertx);
        config.getOptionalValue("messaging.max-held-bytes", Long.class).ifPresent(held::max);
        io.micrometer.core.instrument.Gauge.builder("messaging.held.bytes", held, HeldBytes::held)
            .description("Bytes of messages this node's exchanges hold (tasks, sink buffers, requests in flight),"
                + " against messaging.max-held-bytes").baseUnit("bytes").register(meters);
        this.directory = new DirectoryService(vertx, cluster, registry, patterns::isSingleOwner).install();
        this.durableExchanges = group == null ? null
            : new DurableExchanges(vertx, group, registry, name -> directory.directory().get(name).isPresent());
        if (durableExchanges != null) {
            registry.durable(durableExchanges);
            directory.raftOwned(durableExchanges::owns);
        }
        if (clusterConfig.enabled()) {
            // Before any client or exchange exists: they take the transport of their Vert.x instance.
            Transport.install(vertx, new ClusterTransport(vertx, cluster, directory.directory(), patterns.wireCodec()));
        }
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        try {
            cluster.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (durableGroup != null && !(cluster instanceof JGroupsCluster)) {
                durableGroup.startAlone().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw durableGroup != null && fromRaft(e) ? durableGroup.unreadable(e) : e;
        }
        registry.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (durableExchanges != null) {
            durableExchanges.start();
        }
        List<Future<Void>> created = new ArrayList<>();
        for (ExchangeDefinition d : configuredExchanges()) {
            if (patterns.isDurable(d)) {
                if (durableExchanges == null) {
                    throw new IllegalStateException("configured exchange '" + d.name() + "' is durable (the default"
                        + " for " + d.pattern() + ") but this cluster node names no replica set: set"
                        + " messaging.durable.members (MESSAGING_DURABLE_MEMBERS) to the replicas' node names, or"
                        + " give the exchange option durable=false");
                }
                // Committed by whichever replica leads; the node does not wait for a majority to start.
                durableExchanges.configured(d);
                continue;
            }
            directory.configured(d);
            created.add(registry.create(d).recover(t -> {
                if (t instanceof MessagingException m && m.failure() == Failure.CONFLICT) {
                    // The cluster runs another definition of this name (say, during a rolling update): it wins
                    // while it lives; this node takes its own over if the name is ever hosted nowhere.
                    LOG.warnf("configured exchange '%s' is not started here: %s", d.name(), m.detail());
                    return Future.succeededFuture();
                }
                return Future.failedFuture(new IllegalStateException(
                    "configured exchange '" + d.name() + "' cannot start: " + t.getMessage(), t));
            }));
        }
        try {
            Future.all(created).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
        started = true;
        LOG.infof("messaging node started with %d configured exchange(s)", created.size());
    }

    /** SIGTERM: readiness turns DOWN now; work goes on during quarkus.shutdown.delay while traffic drains away. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
        LOG.info("shutting down: readiness is DOWN, draining before the node stops");
    }

    /**
     * Hands work back before leaving: this node's own services, subscriptions and workers unregister first (so
     * exchanges elsewhere redeliver their tasks to other workers and stop routing here), then the exchanges hosted
     * here stop (a tasks exchange's replicas on the other nodes take over), and last the node leaves the cluster.
     */
    void onStop(@Observes ShutdownEvent event) throws Exception {
        draining = true;
        started = false;
        MessagingClient c = client;
        if (c != null) {
            try {
                c.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warnf("some registrations did not unregister cleanly: %s", e.toString());
            }
        }
        directory.stop();
        if (durableExchanges != null) {
            durableExchanges.stop();
        }
        registry.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        cluster.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (durableGroup != null) {
            durableGroup.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** True when a start failure came out of jgroups-raft (its log or snapshot), not the network. */
    private static boolean fromRaft(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (StackTraceElement e : c.getStackTrace()) {
                if (e.getClassName().startsWith("org.jgroups.protocols.raft")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** This node's member of its replica set, or null where it has none. */
    /** Whether that definition makes a durable exchange, one that lives on the replica set. */
    public boolean isDurable(ExchangeDefinition definition) {
        return patterns.isDurable(definition);
    }

    public DurableGroup durableGroup() {
        return durableGroup;
    }

    /** The durable exchanges of the replica set's log, or an empty list where the node has none. */
    public List<ExchangeDefinition> durableExchanges() {
        return durableExchanges == null ? List.of() : durableExchanges.definitions();
    }

    /** Every exchange of the cluster, and where it runs. */
    public Directory directory() {
        return directory.directory();
    }

    /** The cluster this node belongs to (itself alone when clustering is off). */
    public Cluster cluster() {
        return cluster;
    }

    /** The exchanges named in configuration, in name order. */
    public List<ExchangeDefinition> configuredExchanges() {
        return configured;
    }

    public ExchangeRegistry registry() {
        return registry;
    }

    /** True from SIGTERM on: the node is shutting down and takes no new traffic from load balancers. */
    public boolean isDraining() {
        return draining;
    }

    /** True once every configured exchange runs, false again from shutdown on. */
    public boolean isStarted() {
        return started;
    }

    @Produces
    @Singleton
    synchronized MessagingClient messagingClient() {
        if (client == null) {
            client = MessagingClient.create(vertx);
        }
        return client;
    }

}
