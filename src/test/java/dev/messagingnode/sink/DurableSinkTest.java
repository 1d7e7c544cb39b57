package dev.messagingnode.sink;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink created with {@code durable=true} keeps its buffer in the replica set's log: what a producer was told is
 * held survives the node, a consumer's acknowledged batches leave the log, and the overflow policy drops the same
 * message on every replica and after a restart. Without the option a sink stays in memory (lost on restart).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DurableSinkTest {

    @TempDir
    Path dir;

    @Test
    void heldMessagesSurviveARestartAndOnlyUnacknowledgedOnesComeAgain() {
        try (LocalNode node = new LocalNode(dir, 16 << 20)) {
            node.create("logs", "sink", "durable", "true", "batch-size", "5", "consumer-prefetch", "1");
            for (int i = 0; i < 20; i++) {
                await(node.client.send("logs", Buffer.buffer("l" + i)));
            }
            List<String> got = new CopyOnWriteArrayList<>();
            // Acknowledges the first two batches; the third is held (its future never completes) when the node stops.
            List<Promise<Void>> held = new ArrayList<>();
            await(node.client.consumeAcking("logs", batch -> {
                batch.forEach(d -> got.add(d.message().toString()));
                if (got.size() <= 10) {
                    return Future.succeededFuture();
                }
                Promise<Void> p = Promise.promise();
                held.add(p);
                return p.future();
            }).attached());
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 15);
            await().atMost(Duration.ofSeconds(10)).until(() -> owed(node) == 10);
        }
        try (LocalNode again = new LocalNode(dir, 16 << 20)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.registry.isRunning("logs"));
            List<String> got = new CopyOnWriteArrayList<>();
            await(again.client.consume("logs", batch -> batch.forEach(d -> got.add(d.message().toString())))
                .attached());
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 10);
            List<String> expected = new ArrayList<>();
            for (int i = 10; i < 20; i++) {
                expected.add("l" + i);
            }
            assertThat(got).containsExactlyElementsOf(expected); // in order, the held batch first
            await().atMost(Duration.ofSeconds(10)).until(() -> owed(again) == 0);
            await(again.client.send("logs", Buffer.buffer("after")));
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 11);
        }
    }

    @Test
    void dropOldestDropsTheSameMessagesBeforeAndAfterARestart() {
        try (LocalNode node = new LocalNode(dir, 16 << 20)) {
            node.create("logs", "sink", "durable", "true", "buffer-size", "3");
            for (int i = 0; i < 5; i++) {
                await(node.client.send("logs", Buffer.buffer("l" + i)));
            }
            assertThat(node.meters.get("messaging.dropped").tag("exchange", "logs").counter().count()).isEqualTo(2);
        }
        try (LocalNode again = new LocalNode(dir, 16 << 20)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.registry.isRunning("logs"));
            List<Delivery> got = new CopyOnWriteArrayList<>();
            await(again.client.consume("logs", batch -> got.addAll(batch)).attached());
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
            assertThat(got).extracting(d -> d.message().toString()).containsExactly("l2", "l3", "l4");
            // The count of messages dropped so far is part of what the log keeps.
            assertThat(got.get(0).dropped()).isEqualTo(2);
        }
    }

    @Test
    void dropNewestKeepsTheOldestAndAnswersTheProducer() {
        try (LocalNode node = new LocalNode(dir, 16 << 20)) {
            node.create("logs", "sink", "durable", "true", "buffer-size", "2", "overflow", "drop-newest");
            for (int i = 0; i < 4; i++) {
                await(node.client.send("logs", Buffer.buffer("l" + i)));
            }
            List<String> got = new CopyOnWriteArrayList<>();
            await(node.client.consume("logs", batch -> batch.forEach(d -> got.add(d.message().toString())))
                .attached());
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
            await().during(Duration.ofMillis(300)).until(() -> got.size() == 2);
            assertThat(got).containsExactly("l0", "l1");
        }
    }

    @Test
    void aSinkIsTransientUnlessCreatedDurableAndItsMessagesGoWithTheNode() {
        try (LocalNode node = new LocalNode(dir, 16 << 20)) {
            node.create("logs", "sink");
            await(node.client.send("logs", Buffer.buffer("in memory")));
            boolean inLog = node.durable.read("logs", s -> s != null);
            assertThat(inLog).isFalse();
        }
        try (LocalNode again = new LocalNode(dir, 16 << 20)) {
            MessagingException e = LocalNode.awaitFailure(again.client.send("logs", Buffer.buffer("x")));
            assertThat(e.failure()).isEqualTo(Failure.NO_SUCH_EXCHANGE);
        }
    }

    private static int owed(LocalNode node) {
        return node.durable.read("logs", s -> ((SinkLedger) s).size());
    }
}
