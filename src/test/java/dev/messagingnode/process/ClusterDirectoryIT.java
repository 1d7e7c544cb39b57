package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster directory across real node processes: every node sees every exchange and where it runs, a name
 * defined differently on two nodes at once ends with one definition everywhere, a single-owner (tasks) exchange
 * has one owner and is taken over when that owner is killed, a dead node's exchanges leave the directory, and a
 * late node sees it all.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterDirectoryIT {

    private final List<NodeProcess> nodes = new ArrayList<>();
    private final String cluster = "dir-" + ProcessHandle.current().pid();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private NodeProcess start(String name, int port, String seeds, Map<String, String> exchanges) throws Exception {
        Map<String, String> env = new HashMap<>(exchanges);
        env.put("MESSAGING_CLUSTER_ENABLED", "true");
        env.put("MESSAGING_CLUSTER_NAME", cluster);
        env.put("MESSAGING_CLUSTER_NODE_NAME", name);
        env.put("MESSAGING_CLUSTER_BIND_PORT", String.valueOf(port));
        env.put("MESSAGING_CLUSTER_SEEDS", seeds);
        // n1..n3 are the replica set of demo-jobs; n4, started late, follows the log as a learner.
        env.put("MESSAGING_DURABLE_MEMBERS", "n1,n2,n3");
        NodeProcess n = NodeProcess.start("dir-" + name, env);
        nodes.add(n);
        return n;
    }

    /** name → "pattern@host+host" with hosts sorted, as the node reports it. */
    private static Map<String, String> directory(NodeProcess n) {
        JsonObject data = n.readinessData("messaging-directory");
        Map<String, String> out = new HashMap<>();
        if (data == null || data.getString("entries", "").isEmpty()) {
            return out;
        }
        for (String entry : data.getString("entries").split(";")) {
            String name = entry.substring(0, entry.indexOf('='));
            String value = entry.substring(entry.indexOf('=') + 1);
            String pattern = value.substring(0, value.indexOf('@'));
            Set<String> hosts = new TreeSet<>(List.of(value.substring(value.indexOf('@') + 1).split("\\+")));
            out.put(name, pattern + "@" + String.join("+", hosts));
        }
        return out;
    }

    private static int members(NodeProcess n) {
        JsonObject data = n.readinessData("messaging-cluster");
        return data == null ? -1 : data.getInteger("memberCount", -1);
    }

    @Test
    void theDirectoryConvergesAndSurvivesAKilledOwner() throws Exception {
        int p1 = NodeProcess.freePort();
        int p2 = NodeProcess.freePort();
        int p3 = NodeProcess.freePort();
        int p4 = NodeProcess.freePort();
        String seeds = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2 + ",127.0.0.1:" + p3;
        NodeProcess n1 = start("n1", p1, seeds, Map.of(
            "MESSAGING_EXCHANGES_ORDERS_PATTERN", "request-response",
            "MESSAGING_EXCHANGES_RACE_PATTERN", "pubsub",
            "MESSAGING_EXCHANGES_RACE_OPTIONS_SUBSCRIBER_BUFFER", "1"));
        NodeProcess n2 = start("n2", p2, seeds, Map.of(
            "MESSAGING_EXCHANGES_BILLING_PATTERN", "sink",
            "MESSAGING_EXCHANGES_RACE_PATTERN", "pubsub",
            "MESSAGING_EXCHANGES_RACE_OPTIONS_SUBSCRIBER_BUFFER", "2"));
        NodeProcess n3 = start("n3", p3, seeds, Map.of());
        List<NodeProcess> all = List.of(n1, n2, n3);
        for (NodeProcess n : all) {
            n.awaitReady(Duration.ofSeconds(60));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> all.stream().allMatch(n -> members(n) == 3));

        // Every node sees the same directory: stateless demo exchanges on all three, orders on n1, billing on n2,
        // one owner for the tasks exchange demo-jobs, one definition (on one node) for "race".
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> d1 = directory(n1);
            return d1.equals(directory(n2)) && d1.equals(directory(n3))
                && "request-response@n1+n2+n3".equals(d1.get("demo-echo"))
                && "request-response@n1".equals(d1.get("orders"))
                && "sink@n2".equals(d1.get("billing"))
                && d1.getOrDefault("demo-jobs", "").matches("tasks@n[123]")
                && d1.getOrDefault("race", "").matches("pubsub@n[12]");
        });
        Map<String, String> settled = directory(n1);
        String raceLoser = settled.get("race").endsWith("n1") ? "n2" : "n1";
        // Started together, the loser steps down; started later, it sees the name taken and does not start it.
        assertThat((raceLoser.equals("n1") ? n1 : n2).log())
            .containsAnyOf("exchange race: this node steps down", "configured exchange 'race' is not started here");

        // Kill the owner of demo-jobs: a survivor takes it over, and the dead node's entries go.
        String owner = settled.get("demo-jobs").substring("tasks@".length());
        NodeProcess victim = owner.equals("n1") ? n1 : owner.equals("n2") ? n2 : n3;
        List<NodeProcess> survivors = all.stream().filter(n -> n != victim).toList();
        victim.kill();
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, String> a = directory(survivors.get(0));
            return a.equals(directory(survivors.get(1)))
                && a.getOrDefault("demo-jobs", "").matches("tasks@n[123]")
                && !a.get("demo-jobs").endsWith(owner)
                && !a.get("demo-echo").contains(owner);
        });
        System.out.println("tasks exchange taken over " + (System.nanoTime() - killedAt) / 1_000_000
            + " ms after its owner was killed");
        Map<String, String> after = directory(survivors.get(0));
        if (owner.equals("n1")) {
            assertThat(after).doesNotContainKey("orders");
        } else if (owner.equals("n2")) {
            assertThat(after).doesNotContainKey("billing");
        }

        // A late node sees the whole directory.
        StringBuilder survivorSeeds = new StringBuilder();
        for (NodeProcess s : survivors) {
            int port = s == n1 ? p1 : s == n2 ? p2 : p3;
            survivorSeeds.append(survivorSeeds.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        NodeProcess n4 = start("n4", p4, survivorSeeds.toString(), Map.of());
        n4.awaitReady(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, String> late = directory(n4);
            Map<String, String> known = directory(survivors.get(0));
            return late.equals(known) && late.get("demo-echo").contains("n4");
        });
    }
}
