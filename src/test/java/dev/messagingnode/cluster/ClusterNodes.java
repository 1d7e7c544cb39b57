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
        MessagingClient client;

        Member(String name, ClusterSettings settings) {
            this.name = name;
            Patterns patterns = StandardPatterns.all();
            cluster = new JGroupsCluster(vertx, settings);
            registry = new ExchangeRegistry(vertx, patterns, new ExchangeContext(meters));
            directory = new DirectoryService(vertx, cluster, registry, patterns::isSingleOwner).install();
            Transport.install(vertx, new ClusterTransport(vertx, cluster, directory.directory(), patterns.wireCodec()));
        }

        void start() {
            await(cluster.start());
            await(registry.start());
            client = MessagingClient.create(vertx);
        }

        /** Leaves the cluster at once and stops everything, as a node that goes away. */
        void stop() {
            directory.stop();
            await(cluster.stop());
            await(vertx.close());
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
        for (int i = 0; i < count; i++) {
            String name = "m" + (i + 1);
            members.add(new Member(name, new ClusterSettings(clusterName, name, "127.0.0.1", ports.get(i),
                ClusterSettings.Discovery.TCPPING, List.of(seeds.toString().split(",")), null, Duration.ofSeconds(3))));
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
