package dev.messagingnode.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's table of what a second node costs each system. */
class CompareReportTest {

    private final Map<String, Map<String, List<JsonObject>>> byLabel = new LinkedHashMap<>();

    private void run(String label, String system, double opsPerSecond, double p50) {
        byLabel.computeIfAbsent(label, k -> new LinkedHashMap<>()).computeIfAbsent(system, k -> new ArrayList<>())
            .add(new JsonObject().put("opsPerSecond", opsPerSecond)
                .put("latencyMicros", new JsonObject().put("p50", p50).put("p99", p50 * 3)));
    }

    @Test
    void eachSystemsTwoNodeMedianIsSetAgainstItsOwnOneNodeMedian() {
        String rpc = "W1 rpc, 128 B, in-flight 1";
        for (double ops : new double[] {7000, 7200, 9000}) {
            run(rpc + " (one node)", "node", ops, 130);
        }
        run(rpc + " (one node)", "nats", 4500, 200);
        run(rpc + " (one node)", "rabbitmq", 2400, 400);
        for (double ops : new double[] {3600, 1000, 3800}) {
            run(rpc + " (two nodes)", "node", ops, 260);
        }
        run(rpc + " (two nodes)", "nats", 2925, 300);
        run("W2 pubsub, only one node", "node", 1, 1);

        String table = CompareReport.secondNode(byLabel);

        assertThat(table).contains("| node: two / one | RabbitMQ: two / one | NATS: two / one |");
        // node: median 3,600 of 7,200 = 0.50; NATS 2,925 / 4,500 = 0.65; RabbitMQ has no two-node run: no ratio.
        assertThat(table).contains("| W1 rpc, 128 B, in-flight 1 | round trips | 0.50 | — | 0.65 |");
        assertThat(table).contains("| W1 rpc, 128 B, in-flight 1 | p50 | 2.00 | — | 1.50 |");
        assertThat(table).doesNotContain("p99").doesNotContain("pubsub");
    }

    @Test
    void noTwoNodeRowsNoTable() {
        run("W1 rpc, 128 B, in-flight 1 (one node)", "node", 7000, 130);
        assertThat(CompareReport.secondNode(byLabel)).isEmpty();
    }
}
