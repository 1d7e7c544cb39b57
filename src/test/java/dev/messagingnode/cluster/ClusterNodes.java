package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.cluster.jgroups.JGroupsCluster;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.Patterns;
import dev.messagingnode.exchange.Transport;
import dev.messagingnode.node.StandardPatterns;
import dev.messagingnode.process.NodeProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster members inside the test JVM, each on a Vert.x instance of its own with its own JGroups channel on
 * 127.0.0.1: for testing routing without a surface to drive separate processes with. Faults with real processes
 * are in the *IT classes.
 */
final class ClusterNodes implements AutoCloseable {

    /** One member: what MessagingNode assembles inside Quarkus. */
    static final class Member {
        final String name;
        final Vertx vertx = Vertx.vertx();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final Cluster cluster;
        final ExchangeRegistry registry;
        final DirectoryService directory;
        /** This member's Raft member of the replica set; null for a member that is no replica. */
        final dev.messagingnode.durable.DurableGroup durable;
        final dev.messagingnode.durable.DurableExchanges durableExchanges;
        MessagingClient client;

        Member(String name, ClusterSettings settings) {
            this(name, settings, null);
        }

        /** With {@code replicas}, a member of that replica set, its log in a temporary directory. */
        Member(String name, ClusterSettings settings, List<String> replicas) {
            this.name = name;
            Patterns patterns = StandardPatterns.all();
            if (replicas == null) {
                durable = null;
            } else {
                try {
                    durable = new dev.messagingnode.durable.DurableGroup(vertx, new dev.messagingnode.durable
                        .DurableSettings(name, replicas, java.nio.file.Files.createTempDirectory("member-" + name),
                        16 << 20, Duration.ofSeconds(10)), patterns, meters);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            dev.messagingnode.durable.DurableGroup group = durable;
            cluster = group == null ? new JGroupsCluster(vertx, settings)
                : new JGroupsCluster(vertx, settings, group.protocols(), group::attach);
            registry = new ExchangeRegistry(vertx, patterns, new ExchangeContext(meters, durable));
            directory = new DirectoryService(vertx, cluster, registry, patterns::isSingleOwner).install();
            Transport.install(vertx, new ClusterTransport(vertx, cluster, directory.directory(), patterns.wireCodec()));
            durableExchanges = group == null ? null : new dev.messagingnode.durable.DurableExchanges(vertx, group,
                registry, n -> directory.directory().get(n).isPresent());
            if (durableExchanges != null) {
                registry.durable(durableExchanges);
                directory.raftOwned(durableExchanges::owns);
            }
        }

        void start() {
            await(cluster.start());
            await(registry.start());
            if (durableExchanges != null) {
                durableExchanges.start();
            }
            client = MessagingClient.create(vertx);
        }

        /** True while this member leads its replica set. */
        boolean leads() {
            return durable != null && durable.isLeader();
        }

        /** Leaves the cluster at once and stops everything, as a node that goes away. */
        void stop() {
            directory.stop();
            if (durableExchanges != null) {
                durableExchanges.stop();
            }
            await(cluster.stop());
            await(vertx.close());
            if (durable != null) {
                dev.messagingnode.testing.TempDirs.delete(durable.settings().dataDir());
            }
        }
    }

    final List<Member> members = new ArrayList<>();

    ClusterNodes(int count) throws Exception {
        List<Integer> ports = new ArrayList<>();
        StringBuilder seeds = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int port = NodeProcess.freePort();
            ports.add(port);
            seeds.append(i == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        String clusterName = "routing-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<String> replicas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            replicas.add("m" + (i + 1));
        }
        for (int i = 0; i < count; i++) {
            String name = "m" + (i + 1);
            members.add(new Member(name, new ClusterSettings(clusterName, name, "127.0.0.1", ports.get(i),
                ClusterSettings.Discovery.TCPPING, List.of(seeds.toString().split(",")), null, Duration.ofSeconds(3)),
                replicas));
        }
        for (Member m : members) {
            m.start();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> members.stream().allMatch(m -> m.cluster.members().size() == count));
    }

    Member get(int i) {
        return members.get(i);
    }

    /** The member that leads the replica set (every member is a replica), once one does. */
    Member leader() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> members.stream().filter(m -> m.cluster.isJoined()).anyMatch(Member::leads));
        return members.stream().filter(m -> m.cluster.isJoined() && m.leads()).findFirst().orElseThrow();
    }

    /** The members that are joined and do not lead, in order. */
    List<Member> followers() {
        Member leader = leader();
        return members.stream().filter(m -> m != leader && m.cluster.isJoined()).toList();
    }

    @Override
    public void close() {
        for (Member m : members) {
            try {
                if (m.cluster.isJoined()) {
                    m.stop();
                }
            } catch (RuntimeException | AssertionError e) {
                // already stopped
            }
        }
    }
}
