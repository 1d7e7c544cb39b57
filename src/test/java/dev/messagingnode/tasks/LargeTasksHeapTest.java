package dev.messagingnode.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.HeldBytes;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tasks of 1 MiB in a default (durable) tasks exchange, in a JVM with -Xmx256m and -XX:+ExitOnOutOfMemoryError
 * (Surefire's "bounded-heap" execution): nobody working, they are refused OVER_CAPACITY at the node's
 * messaging.max-held-bytes (a sixteenth of the heap), not taken until the heap is full (a packaged node of -Xmx512m
 * ended in OutOfMemoryError after 166 such tasks); then 320 MiB of them enqueued and acked leave nothing behind (the
 * exchange once remembered its last 10,000 finished tasks with their messages).
 */
@Tag("bounded-heap")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LargeTasksHeapTest {

    private static final int MIB = 1 << 20;

    private static Buffer task(int i) {
        Buffer b = Buffer.buffer(new byte[MIB]);
        b.setInt(0, i);
        return b;
    }

    /** The task's id, or the refusal's failure. */
    private static Object enqueue(LocalNode node, int i) throws Exception {
        Future<Long> f = node.client.enqueue("big", task(i), 0);
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause() instanceof MessagingException m ? m : e.getCause();
        }
    }

    @Test
    void largeTasksAreRefusedAtTheNodesBoundAndThoseAckedLeaveNothingBehind() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with a capped heap")
            .isLessThanOrEqualTo(300L * 1024 * 1024);
        try (LocalNode node = new LocalNode()) {
            HeldBytes held = HeldBytes.of(node.vertx);
            node.create("big", "tasks");
            int accepted = 0;
            Object last = null;
            for (int i = 0; i < 200; i++) {
                last = enqueue(node, i);
                if (!(last instanceof Long)) {
                    break;
                }
                accepted++;
            }
            assertThat(last).isInstanceOfSatisfying(MessagingException.class, e -> {
                assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
                assertThat(e.getMessage()).contains("messaging.max-held-bytes");
            });
            assertThat((long) accepted * MIB).isLessThanOrEqualTo(held.max());
            System.out.printf("accepted %d tasks of 1 MiB, then refused: %s%n", accepted,
                ((MessagingException) last).getMessage());

            AtomicLong acked = new AtomicLong();
            LocalNode.await(node.client.work("big", 4, t -> t.ack().onSuccess(v -> acked.incrementAndGet()))
                .attached());
            int more = 320;
            int refusedOnTheWay = 0;
            for (int i = 0; i < more; i++) {
                Object r = enqueue(node, accepted + i);
                while (!(r instanceof Long)) { // the worker is behind: the node's bound speaks, retry
                    assertThat(r).isInstanceOfSatisfying(MessagingException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY));
                    refusedOnTheWay++;
                    Thread.sleep(20);
                    r = enqueue(node, accepted + i);
                }
            }
            long total = accepted + more;
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> acked.get() == total);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);
            System.out.printf("%d tasks of 1 MiB enqueued and acked (%d refusals on the way), heap %d MiB%n", total,
                refusedOnTheWay, Runtime.getRuntime().maxMemory() / MIB);
        }
    }
}
