package dev.messagingnode.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the results of bench/compare.sh (one JSON line per run: label, system, and the bench result) into the
 * markdown table of BENCHMARKS.md: per workload and metric, the median of the repetitions with their spread
 * (min-max), and the ratio of the node's median to each peer's (above 1: the node does more, or for latencies, takes
 * longer).
 */
public final class CompareReport {

    private record Metric(String title, String unit, java.util.function.Function<JsonObject, Double> read) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Map<String, List<JsonObject>>> byLabel = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject run = new JsonObject(line);
            byLabel.computeIfAbsent(run.getString("label"), k -> new LinkedHashMap<>())
                .computeIfAbsent(run.getString("system"), k -> new ArrayList<>()).add(run.getJsonObject("result"));
        }
        StringBuilder out = new StringBuilder();
        out.append("| workload | metric | node | RabbitMQ | NATS | node/RabbitMQ | node/NATS |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (var entry : byLabel.entrySet()) {
            String label = entry.getKey();
            // A JSON-bridge row of the node is set against the peers of the same workload's row.
            Map<String, List<JsonObject>> peers = entry.getValue().containsKey("rabbitmq") ? entry.getValue()
                : byLabel.getOrDefault(label.replace(", JSON bridge)", ")"), Map.of());
            for (Metric m : metrics(label)) {
                double[] node = stats(entry.getValue().get("node"), m);
                double[] rabbit = stats(peers.get("rabbitmq"), m);
                double[] nats = stats(peers.get("nats"), m);
                out.append("| ").append(label).append(" | ").append(m.title()).append(" (").append(m.unit())
                    .append(") | ").append(cell(node)).append(" | ").append(cell(rabbit)).append(" | ")
                    .append(cell(nats)).append(" | ").append(ratio(node, rabbit)).append(" | ")
                    .append(ratio(node, nats)).append(" |\n");
            }
        }
        out.append(secondNode(byLabel));
        System.out.print(out);
    }

    /**
     * What a second node costs each system: for every workload run on one node and on two (the node's clients and
     * services on one member, its exchange on the other; each peer's clients on one server, its serving side on
     * another of the same cluster), the two-node median over the one-node median of the first metric, and of p50
     * where there is one (above 1: slower).
     */
    static String secondNode(Map<String, Map<String, List<JsonObject>>> byLabel) {
        StringBuilder out = new StringBuilder();
        for (var entry : byLabel.entrySet()) {
            String two = entry.getKey();
            if (!two.endsWith(" (two nodes)")) {
                continue;
            }
            Map<String, List<JsonObject>> one = byLabel.get(two.replace(" (two nodes)", " (one node)"));
            if (one == null) {
                continue;
            }
            if (out.length() == 0) {
                out.append("\n| workload | metric | node: two / one | RabbitMQ: two / one | NATS: two / one |\n");
                out.append("| --- | --- | --- | --- | --- |\n");
            }
            String label = two.replace(" (two nodes)", "");
            for (Metric m : metrics(two)) {
                if (m.title().equals("p99")) {
                    continue;
                }
                out.append("| ").append(label).append(" | ").append(m.title()).append(" | ");
                for (String system : List.of("node", "rabbitmq", "nats")) {
                    out.append(ratio(stats(entry.getValue().get(system), m), stats(one.get(system), m))).append(" | ");
                }
                out.setLength(out.length() - 1);
                out.append("\n");
            }
        }
        return out.toString();
    }

    private static List<Metric> metrics(String label) {
        List<Metric> list = new ArrayList<>();
        if (label.contains("chunked")) {
            list.add(new Metric("throughput", "MB/s", r -> r.getDouble("mbPerSecond")));
            return list;
        }
        list.add(new Metric(label.contains("rpc") ? "round trips" : label.contains("pubsub") ? "deliveries"
            : "acked", "/s", r -> r.getDouble("opsPerSecond")));
        if (label.startsWith("W3d")) {
            // enqueue to accepted (publisher confirm, JetStream publish ack): what "accepted" costs a producer
            list.add(new Metric("accepted p50", "µs", r -> accepted(r, "p50")));
            list.add(new Metric("accepted p99", "µs", r -> accepted(r, "p99")));
        }
        if (label.contains("in-flight 1")) {
            list.add(new Metric("p50", "µs", r -> r.getJsonObject("latencyMicros").getDouble("p50")));
            list.add(new Metric("p99", "µs", r -> r.getJsonObject("latencyMicros").getDouble("p99")));
        }
        return list;
    }

    private static double accepted(JsonObject r, String percentile) {
        JsonObject a = r.getJsonObject("acceptedMicros");
        return a == null ? Double.NaN : a.getDouble(percentile);
    }

    /** median, min, max, count */
    private static double[] stats(List<JsonObject> runs, Metric m) {
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        double[] v = runs.stream().mapToDouble(r -> m.read().apply(r)).filter(d -> !Double.isNaN(d)).sorted()
            .toArray();
        if (v.length == 0) {
            return null;
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new double[] {median, v[0], v[v.length - 1], v.length};
    }

    private static String cell(double[] s) {
        if (s == null) {
            return "—";
        }
        return String.format(Locale.ROOT, "%s (%s–%s)", num(s[0]), num(s[1]), num(s[2]));
    }

    private static String ratio(double[] node, double[] peer) {
        if (node == null || peer == null || peer[0] == 0) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", node[0] / peer[0]);
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
