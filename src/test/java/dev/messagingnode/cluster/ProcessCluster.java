package dev.messagingnode.cluster;

import static org.awaitility.Awaitility.await;

import dev.messagingnode.process.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two node processes (the packaged application) with the same environment, and a member inside the test JVM as the
 * third node, hosting nothing: the process ITs drive clients and parties from it.
 */
final class ProcessCluster implements AutoCloseable {

    final List<NodeProcess> processes = new ArrayList<>();
    final ClusterNodes.Member member;

    private ProcessCluster(ClusterNodes.Member member) {
        this.member = member;
    }

    /** Starts the two processes with {@code env} (plus the cluster keys) and joins them from this JVM. */
    static ProcessCluster start(String prefix, Map<String, String> env) throws Exception {
        int p1 = NodeProcess.freePort();
        int p2 = NodeProcess.freePort();
        int p3 = NodeProcess.freePort();
        String seeds = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2 + ",127.0.0.1:" + p3;
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<NodeProcess> started = new ArrayList<>();
        try {
            int[] ports = {p1, p2};
            for (int i = 0; i < 2; i++) {
                Map<String, String> nodeEnv = new HashMap<>(env);
                nodeEnv.put("MESSAGING_CLUSTER_ENABLED", "true");
                nodeEnv.put("MESSAGING_CLUSTER_NAME", name);
                nodeEnv.put("MESSAGING_CLUSTER_NODE_NAME", "n" + (i + 1));
                nodeEnv.put("MESSAGING_CLUSTER_BIND_PORT", String.valueOf(ports[i]));
                nodeEnv.put("MESSAGING_CLUSTER_SEEDS", seeds);
                started.add(NodeProcess.start(prefix + "-n" + (i + 1), nodeEnv));
            }
            for (NodeProcess p : started) {
                p.awaitReady(Duration.ofSeconds(60));
            }
            ClusterNodes.Member member = new ClusterNodes.Member("tester", new ClusterSettings(name, "tester",
                "127.0.0.1", p3, ClusterSettings.Discovery.TCPPING, List.of(seeds.split(",")), null,
                Duration.ofSeconds(3)));
            ProcessCluster cluster = new ProcessCluster(member);
            cluster.processes.addAll(started);
            member.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> member.cluster.members().size() == 3);
            return cluster;
        } catch (Exception | AssertionError e) {
            for (NodeProcess p : started) {
                p.close();
            }
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            member.stop();
        } catch (RuntimeException | AssertionError alreadyStopped) {
            // it never joined, or stopped itself
        }
        for (NodeProcess p : processes) {
            p.close();
        }
    }
}
