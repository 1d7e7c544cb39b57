package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real node processes on 127.0.0.1 forming one JGroups cluster: they find each other through a seed list, a
 * member killed with SIGKILL is noticed within seconds, one that stops with SIGTERM leaves at once, and a late
 * member joins.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterMembershipIT {

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private NodeProcess start(String name, int port, String seeds) throws Exception {
        NodeProcess n = NodeProcess.start(name, Map.of(
            "MESSAGING_CLUSTER_ENABLED", "true",
            "MESSAGING_CLUSTER_NAME", "it-" + ProcessHandle.current().pid(),
            "MESSAGING_CLUSTER_NODE_NAME", name,
            "MESSAGING_CLUSTER_BIND_PORT", String.valueOf(port),
            "MESSAGING_CLUSTER_SEEDS", seeds,
            "MESSAGING_DEMO_ENABLED", "false",
            // n1 alone is the replica set of demo-jobs (always a majority of itself); the others follow as learners.
            "MESSAGING_DURABLE_MEMBERS", "n1"));
        nodes.add(n);
        return n;
    }

    private static int members(NodeProcess n) {
        JsonObject data = n.readinessData("messaging-cluster");
        return data == null ? -1 : data.getInteger("memberCount", -1);
    }

    @Test
    void nodesFormOneClusterNoticeAKilledMemberLetALeavingOneGoAndTakeALateOne() throws Exception {
        int p1 = NodeProcess.freePort();
        int p2 = NodeProcess.freePort();
        int p3 = NodeProcess.freePort();
        int p4 = NodeProcess.freePort();
        String seeds = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2 + ",127.0.0.1:" + p3;
        NodeProcess n1 = start("n1", p1, seeds);
        NodeProcess n2 = start("n2", p2, seeds);
        NodeProcess n3 = start("n3", p3, seeds);
        for (NodeProcess n : List.of(n1, n2, n3)) {
            n.awaitReady(Duration.ofSeconds(60));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> members(n1) == 3 && members(n2) == 3 && members(n3) == 3);
        assertThat(n1.readinessData("messaging-cluster").getString("members")).contains("n1", "n2", "n3");

        n3.kill();
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
            .until(() -> members(n1) == 2 && members(n2) == 2);
        long detectedMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("failure detection of a SIGKILLed member: " + detectedMs + " ms");
        assertThat(detectedMs).as("a killed member is noticed within a few seconds").isLessThan(10_000);

        assertThat(n2.stop(Duration.ofSeconds(30))).as(n2.log()).isIn(0, 143);
        long leftAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> members(n1) == 1);
        System.out.println("graceful leave seen after: " + (System.nanoTime() - leftAt) / 1_000_000 + " ms");
        assertThat(n2.log()).contains("node n2 left cluster");

        NodeProcess n4 = start("n4", p4, "127.0.0.1:" + p1);
        n4.awaitReady(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> members(n1) == 2 && members(n4) == 2);
    }
}
