package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.bench.WindowedLoad;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Request-response between cluster members on loopback (JGroups over TCP, one JVM, three Vert.x instances): the
 * round trip with one request in flight, and throughput with 64. Not a test: {@code bench/local.sh cluster}.
 */
public final class ClusterRpcBench {

    private static final long WARMUP_MS = Long.getLong("bench.warmup-ms", 2_000);
    private static final long RUN_MS = Long.getLong("bench.run-ms", 5_000);
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("");

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        try (ClusterNodes nodes = new ClusterNodes(3)) {
            ClusterNodes.Member m1 = nodes.get(0);
            ClusterNodes.Member m2 = nodes.get(1);
            ClusterNodes.Member m3 = nodes.get(2);
            await(m1.registry.create(ExchangeDefinition.of("bench", "request-response")));
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            await(m1.client.register("bench", req -> req.reply(req.message())).attached());
            Buffer payload = Buffer.buffer(new byte[128]);
            System.out.printf("%-52s %16s  %s%n", "workload (128 B request and reply)", "rate", "latency");
            run(m2, "client on m2, exchange + service on m1, 1 in flight", 1, payload);
            run(m2, "client on m2, exchange + service on m1, 64 in flight", 64, payload);
            await(m1.client.close());
            await(m3.client.register("bench", req -> req.reply(req.message())).attached());
            run(m2, "client m2, exchange m1, service m3, 1 in flight", 1, payload);
            run(m2, "client m2, exchange m1, service m3, 64 in flight", 64, payload);
        }
    }

    private static void run(ClusterNodes.Member client, String label, int inFlight, Buffer payload) {
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        double rate = WindowedLoad.run(client.vertx, inFlight, inFlight == 1 ? latency : null,
            () -> client.client.call("bench", payload), null, null, WARMUP_MS, RUN_MS).completed();
        System.out.printf(Locale.ROOT, "%-52s %16s  %s%n", label, String.format(Locale.ROOT, "%,.0f rt/s", rate),
            inFlight == 1 ? String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs",
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3) : "");
    }
}
