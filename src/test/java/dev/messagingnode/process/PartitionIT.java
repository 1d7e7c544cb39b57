package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real partition: three replicas, each in a network namespace of its own that this test creates, joined by veth
 * pairs on a bridge; the leader's link is taken down for 15 s while producers enqueue on the majority side, then
 * brought back. The two majority nodes must stay one view and elect a new leader; the minority refuses with
 * NO_QUORUM and is not ready; after the heal nothing accepted is lost and the minority accepted nothing.
 * Needs root (it skips without: it cannot create namespaces); it removes everything it created.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PartitionIT {

    private final String tag = Long.toString(ProcessHandle.current().pid() % 10_000);
    private final int subnet = (int) (ProcessHandle.current().pid() % 200) + 20;
    private final String bridge = "mnb" + tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<DurableHttp> clients = new ArrayList<>();

    private static int sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        if (rc != 0) {
            System.out.println(String.join(" ", command) + " -> " + rc + ": " + out);
        }
        return rc;
    }

    private static void must(String... command) throws IOException, InterruptedException {
        assertThat(sh(command)).as(String.join(" ", command)).isZero();
    }

    private String ns(int i) {
        return "mn" + tag + "n" + i;
    }

    private String hostSide(int i) {
        return "mnv" + tag + "h" + i;
    }

    private String ip(int i) {
        return "10.231." + subnet + "." + i;
    }

    private void network() throws Exception {
        Assumptions.assumeTrue(sh("ip", "link", "add", bridge, "type", "bridge") == 0,
            "needs root and iproute2 to build network namespaces");
        must("ip", "addr", "add", ip(254) + "/24", "dev", bridge);
        must("ip", "link", "set", bridge, "up");
        for (int i = 1; i <= 3; i++) {
            String ns = ns(i);
            must("ip", "netns", "add", ns);
            namespaces.add(ns);
            String inside = "mnv" + tag + "c" + i;
            must("ip", "link", "add", hostSide(i), "type", "veth", "peer", "name", inside);
            must("ip", "link", "set", inside, "netns", ns);
            must("ip", "link", "set", hostSide(i), "master", bridge);
            must("ip", "link", "set", hostSide(i), "up");
            must("ip", "netns", "exec", ns, "ip", "addr", "add", ip(i) + "/24", "dev", inside);
            must("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
            must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(c -> {
            c.stopProducing();
            c.stopWorking();
        });
        for (NodeProcess n : nodes) {
            n.close();
        }
        for (String ns : namespaces) {
            sh("ip", "netns", "del", ns); // takes its end of the veth pair, and so the pair, with it
        }
        sh("ip", "link", "del", bridge);
    }

    private int members(int i) {
        JsonObject d = nodes.get(i - 1).readinessData("messaging-cluster");
        return d == null ? -1 : d.getInteger("memberCount", -1);
    }

    private JsonObject durable(int i) {
        return nodes.get(i - 1).readinessData("messaging-durable");
    }

    /** A POST from inside node {@code i}'s namespace (the test's own address cannot reach it while it is cut off). */
    private String[] enqueueFromInside(int i, String body) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns(i), "curl", "-s", "-m", "5", "-w", "\n%{http_code}",
            "-X", "POST", "http://" + ip(i) + ":8080/exchanges/jobs/tasks", "-d", body).redirectErrorStream(true)
            .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        int nl = out.lastIndexOf('\n');
        return new String[] {nl < 0 ? out : out.substring(nl + 1), nl < 0 ? "" : out.substring(0, nl)};
    }

    @Test
    void theMajorityKeepsOneViewAndServesTheMinorityRefusesAndNothingAcceptedIsLost() throws Exception {
        network();
        String cluster = "partition-" + tag;
        for (int i = 1; i <= 3; i++) {
            Map<String, String> env = new HashMap<>();
            env.put("MESSAGING_CLUSTER_ENABLED", "true");
            env.put("MESSAGING_CLUSTER_NAME", cluster);
            env.put("MESSAGING_CLUSTER_NODE_NAME", "n" + i);
            env.put("MESSAGING_CLUSTER_BIND_ADDRESS", ip(i));
            env.put("MESSAGING_CLUSTER_BIND_PORT", "7800");
            env.put("MESSAGING_CLUSTER_SEEDS", ip(1) + ":7800," + ip(2) + ":7800," + ip(3) + ":7800");
            env.put("MESSAGING_DURABLE_MEMBERS", "n1,n2,n3");
            env.put("MESSAGING_DEMO_ENABLED", "false");
            env.put("MESSAGING_EXCHANGES_JOBS_PATTERN", "tasks");
            env.put("MESSAGING_EXCHANGES_JOBS_OPTIONS_ACK_TIMEOUT", "5s");
            env.put("QUARKUS_HTTP_PORT", "8080");
            env.put("MESSAGING_BRIDGE_TCP_PORT", "7000");
            nodes.add(NodeProcess.start(cluster + "-n" + i, env, List.of("ip", "netns", "exec", ns(i)), ip(i)));
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(Duration.ofSeconds(90));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> members(1) == 3 && members(2) == 3 && members(3) == 3);
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int i = 1; i <= 3; i++) {
                JsonObject d = durable(i);
                if (d != null && "leader".equals(d.getString("role"))) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        int cut = leader[0];
        int a = cut % 3 + 1;
        int b = a % 3 + 1;
        DurableHttp http = new DurableHttp("jobs");
        clients.add(http);
        AtomicInteger target = new AtomicInteger(a);
        http.producerAt(() -> ip(target.get()) + ":8080", 50);
        http.workerAt(() -> ip(b) + ":8080", 5, 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.done.size() > 100);

        must("ip", "link", "set", hostSide(cut), "down");
        long cutAt = System.nanoTime();
        // The two majority nodes: one view of two all along (no node may drop out of it), and a new leader.
        AtomicBoolean split = new AtomicBoolean();
        int[] minorityRefusals = {0};
        int minorityAccepted = 0;
        String refusal = "";
        long until = cutAt + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            int ma = members(a);
            int mb = members(b);
            if ((ma != -1 && ma < 2) || (mb != -1 && mb < 2)) {
                split.set(true);
            }
            if (System.nanoTime() - cutAt > TimeUnit.SECONDS.toNanos(6)) {
                String[] answer = enqueueFromInside(cut, "minority-" + minorityRefusals[0]);
                if (answer[0].equals("202")) {
                    minorityAccepted++;
                } else {
                    minorityRefusals[0]++;
                    refusal = answer[0] + " " + answer[1];
                }
            }
            Thread.sleep(200);
        }
        long acceptedDuringCut = http.accepted.size();
        JsonObject newLeaderA = durable(a);
        JsonObject newLeaderB = durable(b);
        must("ip", "link", "set", hostSide(cut), "up");
        await().atMost(Duration.ofSeconds(60)).until(() -> members(1) == 3 && members(2) == 3 && members(3) == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonObject d = durable(cut);
            return d != null && "follower".equals(d.getString("role"));
        });
        http.stopProducing();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> http.lost().isEmpty());
        } finally {
            System.out.printf("partition of n%d: majority split=%s, minority refused %d (%s) accepted %d; accepted=%d"
                + " done=%d twice=%d answers=%s; during the cut %s / %s%n", cut, split.get(), minorityRefusals[0],
                refusal, minorityAccepted, http.accepted.size(), http.done.size(), http.doneTwice(), http.answers,
                newLeaderA, newLeaderB);
        }
        assertThat(split.get()).as("the majority's two nodes stayed one view").isFalse();
        assertThat(minorityAccepted).as("nothing accepted on the minority").isZero();
        assertThat(minorityRefusals[0]).isPositive();
        assertThat(refusal).startsWith("503").contains("no-quorum").contains("4015").contains("unreachable");
        assertThat(List.of(newLeaderA.getString("role"), newLeaderB.getString("role"))).contains("leader");
        assertThat(acceptedDuringCut).isGreaterThan(200);
        assertThat(http.lost()).isEmpty();
        assertThat(http.doneAfterConfirmedAck).as("tasks given again after the node confirmed their ack").isEmpty();
        // The minority node came back as a follower holding the log: it can lead again.
        assertThat(durable(cut).getString("unreachable")).isEmpty();
    }
}
