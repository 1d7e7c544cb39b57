package dev.messagingnode.durable;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.testing.LocalNode;
import dev.messagingnode.testing.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log follows what the exchange holds now, not its history: snapshots replace the commands they cover, so
 * 100,000 tasks enqueued and acked leave a log of about the snapshot threshold, and a node started again on it
 * replays a snapshot and a short tail, in bounded time.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BoundedLogTest {

    private static final long MAX_LOG_BYTES = 1 << 20;
    private static final int TASKS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aHundredThousandTasksEnqueuedAndAckedLeaveABoundedLogAndAQuickRestart() throws Exception {
        long biggest;
        try (LocalNode node = new LocalNode(dir, MAX_LOG_BYTES)) {
            node.create("jobs", "tasks");
            AtomicLong acked = new AtomicLong();
            await(node.client.work("jobs", 256, t -> t.ack().onSuccess(v -> acked.incrementAndGet())).attached());
            biggest = pipeline(node, TASKS, 256, acked);
            assertThat(acked.get()).isEqualTo(TASKS);
        }
        long onDisk = TempDirs.bytes(dir);
        System.out.printf("%,d tasks enqueued and acked: log on disk %,d bytes (largest seen %,d; threshold %,d)%n",
            TASKS, onDisk, biggest, MAX_LOG_BYTES);
        // The commands of 100,000 tasks are ~30 MB; what stays is one snapshot of an empty exchange and at most
        // about one threshold's worth of commands not yet compacted.
        assertThat(onDisk).isLessThan(3 * MAX_LOG_BYTES);
        assertThat(biggest).isLessThan(4 * MAX_LOG_BYTES);

        long start = System.nanoTime();
        try (LocalNode again = new LocalNode(dir, MAX_LOG_BYTES)) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("started again on it in %d ms%n", took.toMillis());
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> again.registry.isRunning("jobs"));
            // The ids go on after the last one: the snapshot carries the exchange's next id.
            assertThat(await(again.client.enqueue("jobs", Buffer.buffer("after"), 0))).isEqualTo(TASKS + 1L);
        }
    }

    /**
     * A leader that starts with many tasks owed hands them out as fast as a worker acks: the delivery records and
     * acks it appends are not paced by any producer, and RAFT's own queue (9,182 requests) once refused them
     * ("processing queue is full"), losing acks and stalling the exchange. Every ack commits now.
     */
    @Test
    void aLeaderStartingWithManyTasksOwedHandsThemAllOutAndEveryAckCommits() throws Exception {
        int owed = 60_000;
        try (LocalNode node = new LocalNode(dir, 16 << 20)) {
            node.create("jobs", "tasks", "max-queued", "1000000");
            pipeline(node, owed, 256, new AtomicLong(owed));
        }
        try (LocalNode again = new LocalNode(dir, 16 << 20)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> again.registry.isRunning("jobs"));
            AtomicLong acked = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            await(again.client.work("jobs", 256, t -> t.ack().onSuccess(v -> acked.incrementAndGet())
                .onFailure(e -> refused.incrementAndGet())).attached());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                .until(() -> acked.get() + refused.get() >= owed || refused.get() > 0);
            assertThat(refused.get()).as("acks refused by the log").isZero();
            assertThat(acked.get()).isEqualTo(owed);
        }
    }

    /** Enqueues {@code n} tasks, {@code window} at a time, until the worker acked them all; the largest log seen. */
    private long pipeline(LocalNode node, int n, int window, AtomicLong acked) throws Exception {
        Future<Void> all = node.enqueueAll("jobs", n, window, i -> Buffer.buffer("task " + i + " " + "x".repeat(200)));
        long largest = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
        while (acked.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(200);
            largest = Math.max(largest, TempDirs.bytes(dir));
        }
        await(all);
        return largest;
    }
}
