package dev.messagingnode.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.node.StandardPatterns;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log's snapshot file: written whole, and without taking direct memory of its size. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckedLogTest {

    @TempDir
    Path dir;

    private static long directBytesUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void aLargeSnapshotIsWrittenWholeWithoutADirectBufferOfItsSize() throws Exception {
        DurableSettings settings = new DurableSettings("local", List.of("local"), dir, 16 << 20,
            Duration.ofSeconds(10));
        CheckedLog log = CheckedLog.open(settings, new Ledger(StandardPatterns.all()));
        try {
            byte[] content = new byte[32 << 20];
            new Random(7).nextBytes(content);
            // On a thread of its own: the JDK keeps a temporary direct buffer per thread, which this thread has none of.
            long grew = CompletableFuture.supplyAsync(() -> {
                long before = directBytesUsed();
                log.setSnapshot(ByteBuffer.wrap(content));
                return directBytesUsed() - before;
            }, r -> new Thread(r).start()).get(30, TimeUnit.SECONDS);
            assertThat(grew).as("direct memory taken by the write").isLessThan(4L << 20);
            assertThat(Files.readAllBytes(settings.logDir().resolve("state_snapshot.raft"))).isEqualTo(content);
            assertThat(log.snapshotBytes()).isEqualTo(content.length);
        } finally {
            log.close();
        }
    }
}
