package dev.messagingnode.pubsub;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.rpc.RequestResponsePattern;
import dev.messagingnode.testing.BlockingWorker;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PubSubTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String... options) {
        node.create("events", PubSubPattern.NAME, options);
    }

    private Subscription subscribe(String pattern, String tag, List<Delivery> into) {
        Subscription s = client.subscribe("events", pattern, tag, into::add);
        await(s.attached());
        return s;
    }

    private static List<String> messages(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> d.message().toString()).toList();
    }

    @Test
    void aPublishReachesEveryMatchingSubscriberWithItsOwnTagAndTheKey() {
        exchange();
        List<Delivery> eu = new CopyOnWriteArrayList<>();
        List<Delivery> all = new CopyOnWriteArrayList<>();
        List<Delivery> us = new CopyOnWriteArrayList<>();
        subscribe("orders.*.eu", "eu-tag", eu);
        subscribe("orders.#", "all-tag", all);
        subscribe("orders.*.us", "us-tag", us);
        assertThat(await(client.publish("events", "orders.created.eu", Buffer.buffer("o1")))).isEqualTo(2);
        assertThat(await(client.publish("events", "orders", Buffer.buffer("o2")))).isEqualTo(1);
        assertThat(await(client.publish("events", "invoices.created.eu", Buffer.buffer("i1")))).isZero();
        await().until(() -> eu.size() == 1 && all.size() == 2);
        assertThat(eu.get(0).tag()).isEqualTo("eu-tag");
        assertThat(eu.get(0).key()).isEqualTo("orders.created.eu");
        assertThat(eu.get(0).exchange()).isEqualTo("events");
        assertThat(messages(all)).containsExactly("o1", "o2");
        assertThat(all.get(1).tag()).isEqualTo("all-tag");
        assertThat(us).isEmpty();
    }

    @Test
    void aFireAndForgetPublishIsDeliveredInOrderAndOnlyABadKeyOrNameIsRefused() {
        exchange();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe("orders.#", "t", got);
        for (int i = 0; i < 100; i++) {
            await(client.publishAndForget("events", "orders.created", Buffer.buffer("m" + i), java.util.Map.of()));
        }
        await().until(() -> got.size() == 100);
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i).message().toString()).isEqualTo("m" + i);
        }
        assertThat(LocalNode.awaitFailure(client.publishAndForget("events", "orders.*", Buffer.buffer("x"),
            java.util.Map.of())).failure()).isEqualTo(dev.messagingnode.exchange.Failure.INVALID);
        assertThat(LocalNode.awaitFailure(client.publishAndForget("bad name!", "k", Buffer.buffer("x"),
            java.util.Map.of())).failure()).isEqualTo(dev.messagingnode.exchange.Failure.INVALID);
        // An exchange that is not there: nothing comes back, as a core NATS publish to a subject nobody reads.
        await(client.publishAndForget("nowhere", "k", Buffer.buffer("x"), java.util.Map.of()));
    }

    @Test
    void eachSubscriberGetsEveryMessageInPublishOrder() {
        // A buffer as large as the burst: nothing may be dropped, so every message must arrive, in order.
        exchange(PubSubOptions.SUBSCRIBER_BUFFER, "2000");
        List<Delivery> got = new CopyOnWriteArrayList<>();
        subscribe("#", "t", got);
        for (int i = 0; i < 2000; i++) {
            client.publish("events", "k", Buffer.buffer(String.valueOf(i)));
        }
        await().until(() -> got.size() == 2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(got.get(i).message().toString()).isEqualTo(String.valueOf(i));
        }
        assertThat(got.get(1999).dropped()).isZero();
    }

    @Test
    void anUnsubscribedSubscriberGetsNothingMore() {
        exchange();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = subscribe("a", "t", got);
        await(client.publish("events", "a", Buffer.buffer("1")));
        await(client.unsubscribe(s));
        assertThat(await(client.publish("events", "a", Buffer.buffer("2")))).isZero();
        await().until(() -> got.size() == 1);
        assertThat(s.state()).isEqualTo(Registration.State.CLOSED);
    }

    /** A subscriber that blocks on its first message until released: as slow as a subscriber gets. */
    private BlockingWorker slowSubscriber(List<Delivery> into) {
        BlockingWorker[] self = new BlockingWorker[1];
        self[0] = new BlockingWorker(c -> c.subscribe("events", "#", "slow", d -> {
            into.add(d);
            if (into.size() == 1) {
                self[0].block();
            }
        }));
        self[0].deploy(node.vertx);
        await().until(() -> self[0].registration != null
            && ((Registration) self[0].registration).state() == Registration.State.ATTACHED);
        return self[0];
    }

    @Test
    void aSlowSubscriberLosesItsOldestHeldMessagesAndSeesTheCountWhileOthersGetEverything() {
        exchange(PubSubOptions.SUBSCRIBER_PREFETCH, "2", PubSubOptions.SUBSCRIBER_BUFFER, "3");
        List<Delivery> slow = new CopyOnWriteArrayList<>();
        List<Delivery> fast = new CopyOnWriteArrayList<>();
        BlockingWorker slowOne = slowSubscriber(slow);
        subscribe("#", "fast", fast);
        await(client.publish("events", "k", Buffer.buffer("0")));
        await().until(() -> slow.size() == 1); // blocked in its handler now
        for (int i = 1; i < 10; i++) {
            await(client.publish("events", "k", Buffer.buffer(String.valueOf(i))));
        }
        await().until(() -> fast.size() == 10);
        slowOne.release.countDown();
        // 0 and 1 were out (prefetch 2), 2..9 competed for 3 places: 2,3,4,5,6 were dropped, the newest kept.
        await().until(() -> slow.size() == 5);
        assertThat(messages(slow)).containsExactly("0", "1", "7", "8", "9");
        assertThat(slow.get(4).dropped()).isEqualTo(5);
        assertThat(((Subscription) slowOne.registration).dropped()).isEqualTo(5);
        assertThat(node.meters.get("messaging.dropped").tag("exchange", "events").counter().count()).isEqualTo(5);
        assertThat(fast.get(9).dropped()).isZero();
    }

    @Test
    void aSlowSubscriberIsDisconnectedWithANoticeUnderTheDisconnectPolicy() {
        exchange(PubSubOptions.SUBSCRIBER_PREFETCH, "1", PubSubOptions.SUBSCRIBER_BUFFER, "2",
            PubSubOptions.SLOW_SUBSCRIBER_POLICY, "disconnect");
        List<Delivery> slow = new CopyOnWriteArrayList<>();
        List<Delivery> fast = new CopyOnWriteArrayList<>();
        BlockingWorker slowOne = slowSubscriber(slow);
        subscribe("#", "fast", fast);
        await(client.publish("events", "k", Buffer.buffer("0")));
        await().until(() -> slow.size() == 1);
        for (int i = 1; i < 6; i++) {
            await(client.publish("events", "k", Buffer.buffer(String.valueOf(i))));
        }
        // Disconnected already: the exchange no longer routes to it.
        assertThat(await(client.publish("events", "k", Buffer.buffer("after")))).isEqualTo(1);
        // The notice waits behind what the blocked subscriber had received; it reads it once it wakes up.
        slowOne.release.countDown();
        Subscription s = (Subscription) slowOne.registration;
        await().until(() -> s.state() == Registration.State.CLOSED);
        assertThat(s.detachedReason()).contains("disconnected").contains("subscriber-buffer=2")
            .contains("slow-subscriber-policy");
        assertThat(messages(slow)).containsExactly("0");
        await().until(() -> fast.size() == 7);
        assertThat(node.meters.get("messaging.subscribers.disconnected").counter().count()).isEqualTo(1);
    }

    @Test
    void subscribersGetExchangeDownAndSubscribeAgainWhenTheExchangeReturns() {
        exchange();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = subscribe("a.*", "t", got);
        await(node.registry.delete("events"));
        await().until(() -> s.state() == Registration.State.DETACHED);
        assertThat(s.detachedReason()).contains("exchange-down");
        exchange();
        await().until(() -> s.state() == Registration.State.ATTACHED);
        assertThat(await(client.publish("events", "a.b", Buffer.buffer("back")))).isEqualTo(1);
        await().until(() -> got.size() == 1);
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        exchange(PubSubOptions.MAX_MESSAGE_BYTES, "4");
        assertThat(awaitFailure(client.publish("nowhere", "k", Buffer.buffer())).failure())
            .isEqualTo(Failure.NO_SUCH_EXCHANGE);
        assertThat(awaitFailure(client.publish("events", "k", Buffer.buffer("12345"))).failure())
            .isEqualTo(Failure.TOO_LARGE);
        assertThat(awaitFailure(client.publish("events", "a.*", Buffer.buffer())).detail()).contains("wildcard");
        assertThat(awaitFailure(client.subscribe("events", "a*", "t", d -> { }).attached()).failure())
            .isEqualTo(Failure.INVALID);
        node.create(ExchangeDefinition.of("rpc", RequestResponsePattern.NAME));
        assertThat(awaitFailure(client.subscribe("rpc", "#", "t", d -> { }).attached()).detail())
            .contains("only services register");
    }

    @Test
    void aSubscriberThatStartsBeforeItsExchangeAttachesWhenItIsCreated() {
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = client.subscribe("events", "#", "t", got::add);
        await().pollDelay(Duration.ofMillis(50)).until(() -> s.state() == Registration.State.DETACHED);
        exchange();
        await(s.attached());
        await(client.publish("events", "x", Buffer.buffer("hello")));
        await().until(() -> got.size() == 1);
    }
}
