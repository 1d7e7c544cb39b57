package dev.messagingnode.exchange;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's bound on the message bytes its exchanges hold (messaging.max-held-bytes), whatever each exchange's own
 * bound in messages: a task past it is refused OVER_CAPACITY and accepted again once a worker took some, and so is a
 * request while its service holds the others; a transient sink applies its overflow policy; a durable sink refuses;
 * an exchange deleted gives back what it held.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldBytesTest {

    private static final int KB4 = 4096;
    /** What a message of 4 KiB counts. */
    private static final int ONE = KB4 + HeldBytes.PER_MESSAGE;

    private static Buffer body(int i) {
        Buffer b = Buffer.buffer(new byte[KB4]);
        b.setInt(0, i);
        return b;
    }

    @Test
    void theCountHoldsUpToItsBoundAndAShareGivesBackWhatItHeldWhenClosed() {
        int per = HeldBytes.PER_MESSAGE;
        HeldBytes bytes = new HeldBytes().max(100 + 2 * per);
        HeldBytes.Share a = bytes.share();
        assertThat(a.tryHold(60)).isTrue();
        assertThat(a.tryHold(41)).as("60 + 41 > 100, with what each message counts besides").isFalse();
        assertThat(bytes.held()).isEqualTo(60 + per);
        a.hold(50); // owed already: counted past the bound
        assertThat(bytes.held()).isEqualTo(110 + 2 * per);
        assertThat(bytes.share().tryHold(0)).isFalse();
        a.release(50);
        a.close();
        assertThat(bytes.held()).isZero();
        assertThat(a.tryHold(1_000)).as("a closed share refuses nothing and counts nothing").isTrue();
        assertThat(bytes.held()).isZero();
        assertThat(bytes.refusal(7)).contains("messaging.max-held-bytes=" + (100 + 2 * per));
    }

    @Test
    void aTaskPastTheNodesBoundIsRefusedAndTakenAgainOnceAWorkerAcked() {
        for (String durable : List.of("true", "false")) {
            try (LocalNode node = new LocalNode()) {
                HeldBytes held = HeldBytes.of(node.vertx).max(2 * ONE + 100);
                node.create("jobs", "tasks", "durable", durable);
                assertThat(await(node.client.enqueue("jobs", body(1), 0))).isEqualTo(1L);
                assertThat(await(node.client.enqueue("jobs", body(2), 0))).isEqualTo(2L);
                assertThatThrownBy(() -> await(node.client.enqueue("jobs", body(3), 0)))
                    .isInstanceOfSatisfying(MessagingException.class, e -> {
                        assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
                        assertThat(e.getMessage()).contains("this node holds " + 2 * ONE + " bytes")
                            .contains("messaging.max-held-bytes=" + (2 * ONE + 100));
                    });
                assertThat(held.held()).as("durable=" + durable).isEqualTo(2 * ONE);

                List<Integer> done = new CopyOnWriteArrayList<>();
                await(node.client.work("jobs", 1, t -> t.ack().onSuccess(v -> done.add(t.message().getInt(0))))
                    .attached());
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);
                await(node.client.enqueue("jobs", body(3), 0));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 3);
                assertThat(done).containsExactly(1, 2, 3);

                await(node.client.enqueue("jobs", body(4), 0)); // one more while the worker holds nothing: taken
                await(node.client.deleteExchange("jobs"));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);
            }
        }
    }

    @Test
    void aRequestPastTheNodesBoundIsRefusedWhileItsServiceHoldsTheOthers() {
        try (LocalNode node = new LocalNode()) {
            HeldBytes held = HeldBytes.of(node.vertx).max(2 * ONE + 100);
            node.create("rpc", "request-response");
            List<dev.messagingnode.rpc.ServiceRequest> holding = new CopyOnWriteArrayList<>();
            await(node.client.register("rpc", holding::add).attached());
            var first = node.client.call("rpc", body(1));
            var second = node.client.call("rpc", body(2));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> holding.size() == 2);
            assertThatThrownBy(() -> await(node.client.call("rpc", body(3))))
                .isInstanceOfSatisfying(MessagingException.class, e -> {
                    assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
                    assertThat(e.getMessage()).contains("messaging.max-held-bytes");
                });
            holding.get(0).reply(Buffer.buffer("one"));
            assertThat(await(first).message().toString()).isEqualTo("one");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == ONE);
            var third = node.client.call("rpc", body(3));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> holding.size() == 3);
            holding.get(1).reply(Buffer.buffer("two"));
            holding.get(2).reply(Buffer.buffer("three"));
            assertThat(await(second).message().toString()).isEqualTo("two");
            assertThat(await(third).message().toString()).isEqualTo("three");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);
        }
    }

    @Test
    void aTransientSinkDropsAsItsOverflowPolicySaysAndADurableOneRefuses() {
        try (LocalNode node = new LocalNode()) {
            HeldBytes held = HeldBytes.of(node.vertx).max(3 * ONE);
            node.create("oldest", "sink", "durable", "false");
            node.create("newest", "sink", "durable", "false", "overflow", "drop-newest");
            for (int i = 0; i < 5; i++) {
                await(node.client.send("oldest", body(i))); // answered: a transient sink never refuses for room
            }
            assertThat(held.held()).isEqualTo(3 * ONE);
            await(node.client.send("newest", body(9)));
            List<Integer> got = new CopyOnWriteArrayList<>();
            node.client.consume("oldest", batch -> batch.forEach(d -> got.add(d.message().getInt(0))));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
            assertThat(got).as("drop-oldest kept the newest three").containsExactly(2, 3, 4);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);

            for (int i = 0; i < 3; i++) {
                await(node.client.send("newest", body(i)));
            }
            await(node.client.send("newest", body(3))); // dropped: the node holds three already
            List<Integer> newest = new CopyOnWriteArrayList<>();
            node.client.consume("newest", batch -> batch.forEach(d -> newest.add(d.message().getInt(0))));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> newest.size() == 3);
            assertThat(newest).as("drop-newest kept the first three").containsExactly(0, 1, 2);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);

            node.create("kept", "sink", "durable", "true");
            for (int i = 0; i < 3; i++) {
                await(node.client.send("kept", body(i)));
            }
            assertThatThrownBy(() -> await(node.client.send("kept", body(3))))
                .isInstanceOfSatisfying(MessagingException.class,
                    e -> assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY));
            await(node.client.deleteExchange("kept"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.held() == 0);
        }
    }
}
