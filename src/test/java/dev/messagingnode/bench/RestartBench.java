package dev.messagingnode.bench;

import static dev.messagingnode.testing.LocalNode.await;

import dev.messagingnode.testing.LocalNode;
import dev.messagingnode.testing.TempDirs;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded-log benchmark (issue: "a restart replays in bounded time, 1,000,000 in a benchmark run"): a durable
 * tasks exchange on a replica set of one, its log on disk and fsynced as always. Phase 1 enqueues {@code --tasks}
 * tasks (256 in flight, 200 B each) and a worker acks every one; the node stops and a new one starts on the same
 * data directory: how long until it serves, and how large the log is. Phase 2 leaves {@code --held} tasks owed
 * (enqueued, not acked) and starts again: restart time follows what the exchange holds, not its history.
 *
 * <pre>bench/restart.sh --tasks=1000000 --held=100000</pre>
 */
public final class RestartBench {

    private static final long MAX_LOG_BYTES = 16 << 20; // messaging.durable.max-log-bytes' default

    public static void main(String[] args) throws Exception {
        long tasks = option(args, "tasks", 1_000_000);
        long held = option(args, "held", 100_000);
        Path dir = Files.createTempDirectory("restart-bench");
        try {
            long start = System.nanoTime();
            try (LocalNode node = new LocalNode(dir, MAX_LOG_BYTES)) {
                node.create("jobs", "tasks", "max-queued", "10000000");
                AtomicLong acked = new AtomicLong();
                await(node.client.work("jobs", 256, t -> t.ack().onSuccess(v -> acked.incrementAndGet())).attached());
                long largest = enqueue(node, tasks, () -> acked.get() >= tasks, dir);
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "phase 1: %,d tasks enqueued and acked in %.1f s (%,.0f/s); largest log"
                    + " seen %,d bytes%n", tasks, secs, tasks / secs, largest);
            }
            System.out.printf(Locale.ROOT, "  log on disk after %,d tasks: %,d bytes (threshold %,d)%n", tasks,
                TempDirs.bytes(dir), MAX_LOG_BYTES);
            restart(dir, "after " + String.format(Locale.ROOT, "%,d", tasks) + " tasks acked", 0);

            try (LocalNode node = new LocalNode(dir, MAX_LOG_BYTES)) {
                awaitRunning(node);
                enqueue(node, held, () -> true, dir);
            }
            System.out.printf(Locale.ROOT, "phase 2: %,d tasks left owed; log on disk %,d bytes%n", held, TempDirs.bytes(dir));
            restart(dir, "with " + String.format(Locale.ROOT, "%,d", held) + " tasks owed", held);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Starts a node on {@code dir}; prints how long until the exchange runs with everything it owes. */
    private static void restart(Path dir, String what, long owed) throws Exception {
        long t0 = System.nanoTime();
        try (LocalNode node = new LocalNode(dir, MAX_LOG_BYTES)) {
            awaitRunning(node);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf(Locale.ROOT, "restart %s: serving in %,d ms%n", what, ms);
            // Every task owed is there: a worker gets and acks them all (and the next id follows the last one).
            AtomicLong got = new AtomicLong();
            AtomicLong failedAcks = new AtomicLong();
            await(node.client.work("jobs", 256, t -> t.ack().onSuccess(v -> got.incrementAndGet()).onFailure(e -> {
                if (failedAcks.incrementAndGet() <= 3) {
                    System.out.println("  ack of " + t.id() + " (delivery " + t.deliveryCount() + ") failed: " + e);
                }
            })).attached());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (got.get() < owed && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                System.out.printf(Locale.ROOT, "  worked %,d of %,d%n", got.get(), owed);
            }
            Thread.sleep(200);
            if (got.get() != owed) {
                throw new IllegalStateException("expected " + owed + " tasks after the restart, got " + got.get());
            }
            System.out.printf(Locale.ROOT, "  %,d tasks owed came back and were worked%n", got.get());
        }
    }

    private static void awaitRunning(LocalNode node) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(5)).pollInterval(
            java.time.Duration.ofMillis(10)).until(() -> node.registry.isRunning("jobs"));
    }

    /** Enqueues {@code n} tasks, 256 in flight, until {@code done}; the largest log seen meanwhile. */
    private static long enqueue(LocalNode node, long n, java.util.function.BooleanSupplier done, Path dir)
        throws Exception {
        Buffer body = Buffer.buffer("x".repeat(200));
        io.vertx.core.Future<Void> all = node.enqueueAll("jobs", n, 256, i -> body);
        long largest = 0;
        while (!(all.isComplete() && done.getAsBoolean())) {
            if (all.failed()) {
                throw new IllegalStateException(all.cause());
            }
            Thread.sleep(250);
            largest = Math.max(largest, TempDirs.bytes(dir));
        }
        return largest;
    }

    private static long option(String[] args, String name, long defaultValue) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return Long.parseLong(a.substring(name.length() + 3));
            }
        }
        return defaultValue;
    }
}
