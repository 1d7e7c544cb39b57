package dev.messagingnode.cluster;

import static org.awaitility.Awaitility.await;

import dev.messagingnode.process.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node processes (the packaged application, two unless asked) with the same environment, and a member inside the
 * test JVM as one more node, hosting nothing: the process ITs drive clients and parties from it. The processes are
 * the replica set of durable exchanges ({@code n1..nN}); the member in this JVM follows the log as a non-voting
 * learner.
 */
final class ProcessCluster implements AutoCloseable {

    final List<NodeProcess> processes = new ArrayList<>();
    final ClusterNodes.Member member;

    private ProcessCluster(ClusterNodes.Member member) {
        this.member = member;
    }

    /** Starts the two processes with {@code env} (plus the cluster keys) and joins them from this JVM. */
    static ProcessCluster start(String prefix, Map<String, String> env) throws Exception {
        return start(prefix, env, 2);
    }

    /** {@code count} processes, the replica set of durable exchanges, and this JVM's member. */
    static ProcessCluster start(String prefix, Map<String, String> env, int count) throws Exception {
        int[] ports = new int[count];
        StringBuilder seedList = new StringBuilder();
        List<String> replicas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports[i] = NodeProcess.freePort();
            seedList.append("127.0.0.1:").append(ports[i]).append(',');
            replicas.add("n" + (i + 1));
        }
        int p3 = NodeProcess.freePort();
        String seeds = seedList + "127.0.0.1:" + p3;
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<NodeProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> nodeEnv = new HashMap<>(env);
                nodeEnv.put("MESSAGING_CLUSTER_ENABLED", "true");
                nodeEnv.put("MESSAGING_CLUSTER_NAME", name);
                nodeEnv.put("MESSAGING_CLUSTER_NODE_NAME", "n" + (i + 1));
                nodeEnv.put("MESSAGING_CLUSTER_BIND_PORT", String.valueOf(ports[i]));
                nodeEnv.put("MESSAGING_CLUSTER_SEEDS", seeds);
                nodeEnv.putIfAbsent("MESSAGING_DURABLE_MEMBERS", String.join(",", replicas));
                nodeEnv.putIfAbsent("MESSAGING_DURABLE_DATA_DIR", "target/durable-it/" + name + "/n" + (i + 1));
                started.add(NodeProcess.start(prefix + "-n" + (i + 1), nodeEnv));
            }
            for (NodeProcess p : started) {
                p.awaitReady(Duration.ofSeconds(60));
            }
            ClusterNodes.Member member = new ClusterNodes.Member("tester", new ClusterSettings(name, "tester",
                "127.0.0.1", p3, ClusterSettings.Discovery.TCPPING, List.of(seeds.split(",")), null,
                Duration.ofSeconds(3)), replicas);
            ProcessCluster cluster = new ProcessCluster(member);
            cluster.processes.addAll(started);
            member.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> member.cluster.members().size() == count + 1);
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
