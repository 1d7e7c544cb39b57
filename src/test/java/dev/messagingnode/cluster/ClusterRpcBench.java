package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;

import dev.messagingnode.exchange.ExchangeDefinition;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
        double rate = windowed(client, inFlight, latency, () -> client.client.call("bench", payload));
        System.out.printf(Locale.ROOT, "%-52s %16s  %s%n", label, String.format(Locale.ROOT, "%,.0f rt/s", rate),
            inFlight == 1 ? String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs",
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                latency.getValueAtPercentile(99.9) / 1e3) : "");
    }

    private static double windowed(ClusterNodes.Member m, int inFlight, Histogram latency, Supplier<Future<?>> op) {
        AtomicLong completed = new AtomicLong();
        long warmupEnd = System.nanoTime() + WARMUP_MS * 1_000_000;
        long end = warmupEnd + RUN_MS * 1_000_000;
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(inFlight);
        m.vertx.runOnContext(v -> {
            for (int i = 0; i < inFlight; i++) {
                new Object() {
                    void next() {
                        long now = System.nanoTime();
                        if (now >= end) {
                            if (running.decrementAndGet() == 0) {
                                done.complete(null);
                            }
                            return;
                        }
                        op.get().onComplete(ar -> {
                            long t = System.nanoTime();
                            if (ar.succeeded() && t > warmupEnd) {
                                completed.incrementAndGet();
                                if (inFlight == 1) {
                                    latency.recordValue(Math.min(t - now, latency.getHighestTrackableValue()));
                                }
                            }
                            next();
                        });
                    }
                }.next();
            }
        });
        done.join();
        return completed.get() / (RUN_MS / 1000.0);
    }
}
