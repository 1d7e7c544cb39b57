package dev.messagingnode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A log's size measured while the node writes it: files that come and go under the walk count as nothing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TempDirsTest {

    @TempDir
    Path dir;

    @Test
    void filesRemovedDuringTheWalkAreSkippedNotFatal() throws Exception {
        Files.write(dir.resolve("kept"), new byte[1000]);
        AtomicBoolean stop = new AtomicBoolean();
        // A compaction's pattern: a temporary file written and renamed away, over and over.
        Thread churn = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                try {
                    Path tmp = dir.resolve("entries" + (i++ % 64) + ".tmp");
                    Files.write(tmp, new byte[10]);
                    Files.delete(tmp);
                } catch (Exception e) {
                    // another round
                }
            }
        });
        churn.start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int walks = 0;
            while (System.nanoTime() < end) {
                assertThat(TempDirs.bytes(dir)).isGreaterThanOrEqualTo(1000);
                walks++;
            }
            assertThat(walks).isPositive();
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
