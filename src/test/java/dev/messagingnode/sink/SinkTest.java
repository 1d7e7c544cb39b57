package dev.messagingnode.sink;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.testing.BlockingWorker;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SinkTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String... options) {
        node.create("logs", SinkPattern.NAME, options);
    }

    private void send(int from, int to) {
        for (int i = from; i <= to; i++) {
            await(client.send("logs", Buffer.buffer(String.valueOf(i))));
        }
    }

    private static List<String> messages(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> d.message().toString()).toList();
    }

    @Test
    void messagesFromManyProducersWaitForTheConsumerAndArriveInOrder() {
        exchange();
        MessagingClient other = MessagingClient.create(node.vertx);
        for (int i = 1; i <= 6; i++) {
            await((i % 2 == 0 ? other : client).send("logs", Buffer.buffer(String.valueOf(i))));
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        SinkConsumer consumer = client.consume("logs", got::addAll);
        await(consumer.attached());
        await().until(() -> got.size() == 6);
        assertThat(messages(got)).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(consumer.isActive()).isTrue();
        send(7, 7);
        await().until(() -> got.size() == 7);
    }

    @Test
    void aFullBufferDropsTheOldestAndCountsUnderDropOldest() {
        exchange(SinkOptions.BUFFER_SIZE, "3");
        send(1, 5);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        await(client.consume("logs", got::addAll).attached());
        await().until(() -> got.size() == 3);
        assertThat(messages(got)).containsExactly("3", "4", "5");
        assertThat(got.get(2).dropped()).isEqualTo(2);
        assertThat(node.meters.get("messaging.dropped").tag("exchange", "logs").counter().count()).isEqualTo(2);
    }

    @Test
    void aFullBufferDropsTheNewestAndCountsUnderDropNewest() {
        exchange(SinkOptions.BUFFER_SIZE, "3", SinkOptions.OVERFLOW, "drop-newest");
        send(1, 5);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        await(client.consume("logs", got::addAll).attached());
        await().until(() -> got.size() == 3);
        assertThat(messages(got)).containsExactly("1", "2", "3");
        assertThat(got.get(2).dropped()).isEqualTo(2);
    }

    @Test
    void aSecondConsumerWaitsAsStandbyAndTakesOverWithWhatTheFirstDidNotAcknowledge() {
        exchange(SinkOptions.CONSUMER_PREFETCH, "2");
        List<Delivery> first = new CopyOnWriteArrayList<>();
        BlockingWorker[] self = new BlockingWorker[1];
        self[0] = new BlockingWorker(c -> c.consume("logs", batch -> {
            first.addAll(batch);
            self[0].block();
        }));
        self[0].deploy(node.vertx);
        SinkConsumer active = (SinkConsumer) self[0].registration;
        await().until(() -> active.isActive());
        List<Delivery> second = new CopyOnWriteArrayList<>();
        SinkConsumer standby = client.consume("logs", second::addAll);
        await(standby.attached());
        assertThat(standby.isActive()).isFalse();

        send(1, 4);
        await().until(() -> first.size() == 1); // "1" is being handled, "2" is out too, "3" and "4" wait
        // It leaves while stuck in its handler (its own unregistration completes only once it is released).
        active.unregister();
        await().until(standby::isActive);
        await().until(() -> second.size() == 4);
        assertThat(messages(second)).containsExactly("1", "2", "3", "4");
        self[0].release.countDown();
        send(5, 5);
        await().until(() -> second.size() == 5);
        assertThat(messages(first)).containsExactly("1");
    }

    @Test
    void batchesFillUpToBatchSizeOrGoWhenBatchDelayPasses() {
        exchange(SinkOptions.BATCH_SIZE, "5", SinkOptions.BATCH_DELAY, "150ms");
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        await(client.consume("logs", batch -> batches.add(messages(batch))).attached());
        send(1, 12);
        await().until(() -> batches.stream().mapToInt(List::size).sum() == 12);
        assertThat(batches).containsExactly(List.of("1", "2", "3", "4", "5"), List.of("6", "7", "8", "9", "10"),
            List.of("11", "12"));
    }

    @Test
    void withoutBatchDelayWaitingMessagesGoInBatchesOfAtMostBatchSize() {
        exchange(SinkOptions.BATCH_SIZE, "4");
        send(1, 10);
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        await(client.consume("logs", batch -> batches.add(messages(batch))).attached());
        await().until(() -> batches.stream().mapToInt(List::size).sum() == 10);
        List<String> all = new ArrayList<>();
        batches.forEach(b -> {
            assertThat(b.size()).isBetween(1, 4);
            all.addAll(b);
        });
        assertThat(all).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(batches.get(0)).hasSize(4);
    }

    @Test
    void consumersGetExchangeDownAndComeBack() {
        exchange();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        SinkConsumer c = client.consume("logs", got::addAll);
        await(c.attached());
        await(node.registry.delete("logs"));
        await().until(() -> c.state() == Registration.State.DETACHED);
        assertThat(c.isActive()).isFalse();
        exchange();
        await().until(c::isActive);
        send(1, 1);
        await().until(() -> got.size() == 1);
    }

    @Test
    void tooLargeMessagesAreRefusedAndNothingAcceptedIsLost() {
        exchange(SinkOptions.MAX_MESSAGE_BYTES, "3");
        send(1, 2);
        assertThat(awaitFailure(client.send("logs", Buffer.buffer("toolong"))).failure()).isEqualTo(Failure.TOO_LARGE);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        await(client.consume("logs", got::addAll).attached());
        await().until(() -> got.size() == 2);
        assertThat(awaitFailure(client.send("nowhere", Buffer.buffer())).failure()).isEqualTo(Failure.NO_SUCH_EXCHANGE);
    }
}
