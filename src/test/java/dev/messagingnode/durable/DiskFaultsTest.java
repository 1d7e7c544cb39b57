package dev.messagingnode.durable;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Patterns;
import dev.messagingnode.node.StandardPatterns;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged log or snapshot never loses tasks silently: a replica set of one stops at start naming the file and
 * what is wrong; a replica of a larger set moves it aside and is repaired by its leader. A full disk refuses
 * enqueues with a clear reason and loses nothing already accepted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFaultsTest {

    @TempDir
    Path dir;

    private void enqueue(Path data, int n, long maxLogBytes) {
        try (LocalNode node = new LocalNode(data, maxLogBytes)) {
            node.create("jobs", "tasks");
            for (int i = 0; i < n; i++) {
                await(node.client.enqueue("jobs", Buffer.buffer("task " + i + " " + "x".repeat(100)), 0));
            }
        }
    }

    /** Cuts the file {@code bytes} before the end of what was written (FileBasedLog preallocates zeros after it). */
    private static void cut(Path file, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int end = all.length;
        while (end > 0 && all[end - 1] == 0) {
            end--;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(end - bytes);
        }
    }

    private static Path file(Path data, String name) {
        return data.resolve("local.log").resolve(name);
    }

    @Test
    void aByteFlippedInTheLogStopsTheNodeNamingTheEntry() throws Exception {
        enqueue(dir, 50, 16 << 20);
        Path entries = file(dir, "entries.raft");
        try (RandomAccessFile f = new RandomAccessFile(entries.toFile(), "rw")) {
            byte[] all = Files.readAllBytes(entries);
            int end = all.length;
            while (end > 0 && all[end - 1] == 0) {
                end--;
            }
            long at = end / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
        assertThatThrownBy(() -> new LocalNode(dir, 16 << 20).close())
            .hasMessageContaining("the durable log " + dir.resolve("local.log").toAbsolutePath() + " is damaged")
            .hasMessageMatching("(?s).*(fails its checksum|cannot be read|entries.raft ends).*");
    }

    @Test
    void aTruncatedLogStopsTheNodeSayingWhichCommittedEntriesAreMissing() throws Exception {
        enqueue(dir, 50, 16 << 20);
        cut(file(dir, "entries.raft"), 7);
        assertThatThrownBy(() -> new LocalNode(dir, 16 << 20).close())
            .hasMessageContaining("the durable log " + dir.resolve("local.log").toAbsolutePath() + " is damaged")
            .hasMessageMatching("(?s).*(were committed but entries.raft ends|entry \\d+ of entries.raft cannot be read).*");
    }

    @Test
    void aDamagedSnapshotStopsTheNodeNamingIt() throws Exception {
        enqueue(dir, 2000, 64 << 10); // ~250 KB of commands: several snapshots
        Path snapshot = file(dir, "state_snapshot.raft");
        assertThat(snapshot).exists();
        try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
            f.seek(f.length() - 10);
            f.write(0x42 ^ f.read());
        }
        assertThatThrownBy(() -> new LocalNode(dir, 64 << 10).close())
            .hasMessageContaining("its snapshot state_snapshot.raft cannot be read");
    }

    @Test
    void aReplicaOfALargerSetMovesADamagedLogAsideForItsLeaderToRepair() throws Exception {
        enqueue(dir, 20, 16 << 20);
        cut(file(dir, "entries.raft"), 3);
        Patterns patterns = StandardPatterns.all();
        DurableSettings replica = new DurableSettings("local", List.of("local", "b", "c"), dir, 16 << 20,
            Duration.ofSeconds(10));
        CheckedLog log = CheckedLog.open(replica, new Ledger(patterns));
        try {
            assertThat(log.lastAppended()).as("starts empty").isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("local.log.damaged-"));
            }
        } finally {
            log.close();
        }
    }

    @Test
    void aFullDiskRefusesEnqueuesClearlyAndLosesNothingAccepted() throws Exception {
        Path mount = dir.resolve("small");
        Files.createDirectories(mount);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount.toString()) == 0,
            "needs root to mount a small tmpfs");
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        try {
            MessagingException refused = null;
            try (LocalNode node = new LocalNode(mount, 256 << 10, 2 << 20)) {
                node.create("jobs", "tasks");
                for (int i = 0; i < 20_000 && refused == null; i++) {
                    String body = "t" + i + " " + "x".repeat(1000);
                    try {
                        await(node.client.enqueue("jobs", Buffer.buffer(body), 0));
                        accepted.add(body);
                    } catch (MessagingException e) {
                        refused = e;
                    }
                }
            }
            assertThat(refused).as("the disk fills before 20,000 tasks of 1 KB").isNotNull();
            assertThat(refused.failure()).isEqualTo(Failure.OVER_CAPACITY);
            assertThat(refused.detail()).contains("bytes free on", "messaging.durable.min-free-bytes",
                "nothing was accepted");
            assertThat(accepted).hasSizeGreaterThan(100);
            // Started again on the full disk: every accepted task is there, and each is worked.
            try (LocalNode again = new LocalNode(mount, 256 << 10, 2 << 20)) {
                Set<String> done = ConcurrentHashMap.newKeySet();
                await(again.client.work("jobs", 100, t -> {
                    done.add(t.message().toString());
                    t.ack();
                }).attached());
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> done.size() >= accepted.size());
                assertThat(done).containsAll(accepted);
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
