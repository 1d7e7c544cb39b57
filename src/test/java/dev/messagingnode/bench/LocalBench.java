package dev.messagingnode.bench;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.node.StandardPatterns;
import dev.messagingnode.rpc.ChunkedResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A first benchmark of every pattern on one node, in one JVM, over the local event bus: what the patterns cost
 * before any network is involved. Not a test: run it with {@code bench/local.sh}. Each workload warms up, then
 * runs for a fixed time with a fixed number of operations in flight, and prints operations per second (and
 * latency percentiles for request-response with one in flight).
 */
public final class LocalBench {

    private static final long WARMUP_MS = Long.getLong("bench.warmup-ms", 2_000);
    private static final long RUN_MS = Long.getLong("bench.run-ms", 5_000);
    /** Held so that its level sticks (java.util.logging keeps loggers weakly): no per-exchange INFO lines. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.messagingnode");

    private final Vertx vertx = Vertx.vertx();
    private final ExchangeRegistry registry =
        new ExchangeRegistry(vertx, StandardPatterns.all(), new ExchangeContext(new SimpleMeterRegistry()));
    private final MessagingClient services;
    private final MessagingClient clients;

    private LocalBench() {
        join(registry.start());
        services = MessagingClient.create(vertx);
        clients = MessagingClient.create(vertx);
    }

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        LocalBench bench = new LocalBench();
        System.out.printf("%-12s %-46s %14s  %s%n", "pattern", "workload", "rate", "latency");
        try {
            bench.rpc(1);
            bench.rpc(64);
            bench.chunked();
            bench.dialogue();
            bench.pubsub();
            bench.sink();
            bench.tasks();
        } finally {
            join(bench.vertx.close());
        }
    }

    private void rpc(int inFlight) {
        create(ExchangeDefinition.of("bench-rpc", "request-response"));
        join(services.register("bench-rpc", req -> req.reply(req.message())).attached());
        Buffer payload = Buffer.buffer(new byte[128]);
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        double rate = windowed(inFlight, latency, () -> clients.call("bench-rpc", payload));
        print("rpc", "128 B request and reply, " + inFlight + " in flight", rate, "round trips/s",
            inFlight == 1 ? latency : null);
        join(registry.delete("bench-rpc"));
    }

    private void chunked() {
        create(ExchangeDefinition.of("bench-chunked", "request-response").withOption("chunk-window", "8"));
        Buffer chunk = Buffer.buffer(new byte[1024 * 1024]);
        int chunks = 256;
        join(services.register("bench-chunked", req -> {
            ChunkedResponse out = req.stream();
            new Object() {
                int sent;

                void fill() {
                    while (!out.writeQueueFull() && sent < chunks) {
                        out.write(chunk.copy()); // a fresh 1 MiB per chunk, as if read from a file
                        sent++;
                    }
                    if (sent == chunks) {
                        out.end();
                    } else {
                        out.drainHandler(v -> fill());
                    }
                }
            }.fill();
        }).attached());
        for (int round = 0; round < 3; round++) {
            AtomicLong bytes = new AtomicLong();
            AtomicLong checksum = new AtomicLong();
            long start = System.nanoTime();
            join(clients.call("bench-chunked", Buffer.buffer()).compose(reply -> {
                reply.stream().handler(b -> {
                    bytes.addAndGet(b.length());
                    checksum.addAndGet(b.getByte(b.length() - 1)); // the reader touches what it gets
                });
                return reply.stream().completion();
            }));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (round == 2) {
                print("chunked", "256 MiB as 1 MiB chunks, window 8", bytes.get() / seconds / 1e6, "MB/s", null);
            }
        }
        join(registry.delete("bench-chunked"));
    }

    private void dialogue() {
        create(ExchangeDefinition.of("bench-dialogue", "request-response"));
        join(services.register("bench-dialogue", req -> req.ask(Buffer.buffer("q"))
            .onSuccess(answer -> answer.reply(answer.message()))).attached());
        Buffer payload = Buffer.buffer(new byte[128]);
        double rate = windowed(16, null, () -> clients.call("bench-dialogue", payload)
            .compose(q -> q.answer(payload)));
        print("dialogue", "question + answer + reply, 16 in flight", rate, "dialogues/s", null);
        join(registry.delete("bench-dialogue"));
    }

    private void pubsub() {
        create(ExchangeDefinition.of("bench-pubsub", "pubsub").withOption("subscriber-buffer", "1000000"));
        AtomicLong delivered = new AtomicLong();
        for (int i = 0; i < 4; i++) {
            join(services.subscribe("bench-pubsub", "prices.#", "s" + i, d -> delivered.incrementAndGet()).attached());
        }
        Buffer payload = Buffer.buffer(new byte[128]);
        long[] deliveredInRun = new long[1];
        double rate = windowed(256, null, () -> clients.publish("bench-pubsub", "prices.eu.acme", payload), null,
            delivered, deliveredInRun);
        print("pubsub", "1 publisher, 4 subscribers, 128 B, 256 unconfirmed", rate, "published/s", null);
        print("", "", deliveredInRun[0] / (RUN_MS / 1000.0), "delivered/s", null);
        join(registry.delete("bench-pubsub"));
    }

    private void sink() {
        create(ExchangeDefinition.of("bench-sink", "sink").withOption("batch-size", "64")
            .withOption("consumer-prefetch", "16"));
        AtomicLong consumed = new AtomicLong();
        join(services.consume("bench-sink", batch -> consumed.addAndGet(batch.size())).attached());
        Buffer payload = Buffer.buffer(new byte[128]);
        double rate = windowed(256, null, () -> clients.send("bench-sink", payload), consumed);
        print("sink", "1 producer, 1 consumer, 128 B, batches of 64", rate, "consumed/s", null);
        join(registry.delete("bench-sink"));
    }

    private void tasks() {
        create(ExchangeDefinition.of("bench-tasks", "tasks"));
        AtomicLong acked = new AtomicLong();
        for (int i = 0; i < 3; i++) {
            join(services.work("bench-tasks", 10, t -> t.ack().onSuccess(v -> acked.incrementAndGet())).attached());
        }
        Buffer payload = Buffer.buffer(new byte[1024]);
        AtomicLong enqueued = new AtomicLong();
        // The producer stays at most 1000 tasks ahead of the workers, so the run measures flow, not queue growth.
        double rate = windowed(64, null, () -> {
            if (enqueued.get() - acked.get() > 1000) {
                Promise<Void> later = Promise.promise();
                vertx.setTimer(1, id -> later.complete());
                return later.future();
            }
            return clients.enqueue("bench-tasks", payload, 4).onSuccess(id -> enqueued.incrementAndGet());
        }, acked);
        print("tasks", "1 producer, 3 workers, prefetch 10, ack each, 1 KiB", rate, "tasks acked/s", null);
        join(registry.delete("bench-tasks"));
    }

    private double windowed(int inFlight, Histogram latency, Supplier<Future<?>> op) {
        return windowed(inFlight, latency, op, null, null, null);
    }

    private double windowed(int inFlight, Histogram latency, Supplier<Future<?>> op, AtomicLong counter) {
        return windowed(inFlight, latency, op, counter, null, null);
    }

    /** Runs the load; the rate is the counter's growth when one is given, else completions. */
    private double windowed(int inFlight, Histogram latency, Supplier<Future<?>> op, AtomicLong counter,
                            AtomicLong alsoCount, long[] alsoCounted) {
        WindowedLoad.Result r = WindowedLoad.run(vertx, inFlight, latency, op, counter, alsoCount, WARMUP_MS, RUN_MS);
        if (r.failures() > 0) {
            System.out.println("  (" + r.failures() + " operations failed)");
        }
        if (alsoCounted != null) {
            alsoCounted[0] = Math.round(r.alsoCounted() * (RUN_MS / 1000.0));
        }
        return counter == null ? r.completed() : r.counted();
    }

    private void create(ExchangeDefinition definition) {
        join(registry.create(definition));
    }

    private static void print(String pattern, String workload, double rate, String unit, Histogram latency) {
        String lat = latency == null ? "" : String.format(Locale.ROOT, "p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs",
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3);
        System.out.printf(Locale.ROOT, "%-12s %-46s %14s  %s%n", pattern, workload,
            String.format(Locale.ROOT, "%,.0f %s", rate, unit), lat);
    }

    private static <T> T join(Future<T> f) {
        return f.toCompletionStage().toCompletableFuture().join();
    }
}
