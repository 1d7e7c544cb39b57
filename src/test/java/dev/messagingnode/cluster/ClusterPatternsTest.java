package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.pubsub.Subscription;
import dev.messagingnode.tasks.Task;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** pubsub, sink and tasks with their exchange, parties and clients on different members. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterPatternsTest {

    private ClusterNodes nodes;
    private ClusterNodes.Member m1;
    private ClusterNodes.Member m2;
    private ClusterNodes.Member m3;

    @BeforeEach
    void cluster() throws Exception {
        nodes = new ClusterNodes(3);
        m1 = nodes.get(0);
        m2 = nodes.get(1);
        m3 = nodes.get(2);
    }

    @AfterEach
    void close() {
        nodes.close();
    }

    private void create(ExchangeDefinition d, ClusterNodes.Member... hosts) {
        for (ClusterNodes.Member m : hosts) {
            await(m.registry.create(d));
        }
        await().until(() -> nodes.members.stream().allMatch(m -> m.directory.directory().get(d.name())
            .map(e -> e.hosts().size() == hosts.length).orElse(false)));
    }

    @Test
    void publishesOnEitherHostReachSubscribersOnAThirdNodeWithCredit() {
        create(ExchangeDefinition.of("prices", "pubsub").withOption("subscriber-prefetch", "4"), m1, m2);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        await(m3.client.subscribe("prices", "eu.#", "feed", got::add).attached());
        // Registered with both hosts before anyone publishes.
        await().until(() -> m1.meters.find("messaging.subscribers").gauge() != null
            && m1.meters.find("messaging.subscribers").gauge().value() == 1
            && m2.meters.find("messaging.subscribers").gauge().value() == 1);
        for (int i = 0; i < 50; i++) {
            ClusterNodes.Member publisher = i % 2 == 0 ? m1 : m2;
            assertThat(await(publisher.client.publish("prices", "eu.acme", Buffer.buffer("p" + i)))).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 50);
        assertThat(got).allSatisfy(d -> {
            assertThat(d.tag()).isEqualTo("feed");
            assertThat(d.dropped()).isZero();
        });
    }

    @Test
    void aPublishCrossesTheNetworkOncePerNodeWithSubscribersThenFansOut() {
        create(ExchangeDefinition.of("prices", "pubsub"), m1);
        List<Delivery> a = new CopyOnWriteArrayList<>();
        List<Delivery> b = new CopyOnWriteArrayList<>();
        List<Delivery> c = new CopyOnWriteArrayList<>();
        await(m3.client.subscribe("prices", "#", "a", a::add).attached());
        await(m3.client.subscribe("prices", "eu.*", "b", b::add).attached());
        await(m3.client.subscribe("prices", "eu.acme", "c", c::add).attached());
        ClusterTransport transport = (ClusterTransport) dev.messagingnode.exchange.Transport.of(m1.vertx);
        long before = transport.sentTo(m3.name);
        for (int i = 0; i < 100; i++) {
            assertThat(await(m1.client.publish("prices", "eu.acme", Buffer.buffer("p" + i)))).isEqualTo(3);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 100 && b.size() == 100 && c.size() == 100);
        long crossed = transport.sentTo(m3.name) - before;
        // 100 publishes for 3 subscribers on m3: one copy each, not three (a few pings may cross meanwhile).
        assertThat(crossed).isBetween(100L, 110L);
        assertThat(a).extracting(Delivery::tag).containsOnly("a");
        assertThat(c.get(99).message().toString()).isEqualTo("p99");
    }

    /**
     * Subscribers slower than the publisher get most publishes released from what the exchange holds for them when
     * their credit comes back. Subscribers on one node whose credit comes back together get each such publish as
     * one copy across the network too, in order, with their own tags.
     */
    @Test
    void publishesHeldForSubscribersWithoutCreditAlsoCrossOncePerNode() {
        create(ExchangeDefinition.of("prices", "pubsub").withOption("subscriber-prefetch", "4")
            .withOption("subscriber-buffer", "1000"), m1);
        List<List<Delivery>> got = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
            new CopyOnWriteArrayList<>());
        // On one context, so that their credit goes back in one cluster message.
        Promise<List<Subscription>> subscribed = Promise.promise();
        m3.vertx.runOnContext(v -> subscribed.complete(List.of(
            m3.client.subscribe("prices", "#", "s0", got.get(0)::add),
            m3.client.subscribe("prices", "#", "s1", got.get(1)::add),
            m3.client.subscribe("prices", "#", "s2", got.get(2)::add))));
        for (Subscription s : await(subscribed.future())) {
            await(s.attached());
        }
        ClusterTransport transport = (ClusterTransport) dev.messagingnode.exchange.Transport.of(m1.vertx);
        long before = transport.sentTo(m3.name);
        int n = 200;
        Promise<Void> given = Promise.promise();
        m1.vertx.runOnContext(v -> {
            for (int i = 0; i < n; i++) {
                m1.client.publishAndForget("prices", "eu.acme", Buffer.buffer("p" + i), Map.of());
            }
            given.complete();
        });
        await(given.future());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().allMatch(l -> l.size() == n));
        for (int s = 0; s < 3; s++) {
            List<Delivery> mine = got.get(s);
            for (int i = 0; i < n; i++) {
                assertThat(mine.get(i).message().toString()).isEqualTo("p" + i);
                assertThat(mine.get(i).tag()).isEqualTo("s" + s);
                assertThat(mine.get(i).dropped()).isZero();
            }
        }
        long crossed = transport.sentTo(m3.name) - before;
        // One copy per subscriber would be 3 × 200; the 4 each may take at first cross once per node anyway.
        assertThat(crossed).as("transport messages from the exchange's node to the subscribers'")
            .isLessThan(n * 3 / 2);
    }

    @Test
    void aSinkOnOneNodeTakesFromProducersElsewhereAndFeedsAConsumerOnAThird() {
        create(ExchangeDefinition.of("logs", "sink").withOption("batch-size", "5"), m1);
        for (int i = 0; i < 20; i++) {
            await(m3.client.send("logs", Buffer.buffer("l" + i)));
        }
        List<String> got = new CopyOnWriteArrayList<>();
        await(m2.client.consume("logs", batch -> batch.forEach(d -> got.add(d.message().toString()))).attached());
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 20);
        for (int i = 0; i < 20; i++) {
            assertThat(got.get(i)).isEqualTo("l" + i);
        }
        await(m3.client.send("logs", Buffer.buffer("after")));
        await().until(() -> got.size() == 21);
    }

    @Test
    void aDurableSinkHasOneActiveConsumerAcrossTheClusterAndKeepsItsMessagesWhenItsLeaderGoes() {
        create(ExchangeDefinition.of("logs", "sink").withOption("durable", "true").withOption("batch-size", "4"), m1);
        ClusterNodes.Member leader = nodes.leader();
        ClusterNodes.Member a = nodes.followers().get(0);
        ClusterNodes.Member b = nodes.followers().get(1);
        await().until(() -> b.directory.directory().get("logs")
            .map(e -> e.hosts().equals(List.of(leader.name))).orElse(false));
        for (int i = 0; i < 20; i++) {
            await(b.client.send("logs", Buffer.buffer("l" + i))); // through b's stand-in to the leader
        }
        List<String> gotA = new CopyOnWriteArrayList<>();
        List<String> standby = new CopyOnWriteArrayList<>();
        dev.messagingnode.sink.SinkConsumer onA = a.client.consumeAcking("logs", batch -> {
            batch.forEach(d -> gotA.add(d.message().toString()));
            // the first two batches are acknowledged, the rest held while the leader goes
            return gotA.size() <= 8 ? io.vertx.core.Future.succeededFuture() : io.vertx.core.Promise.<Void>promise().future();
        });
        await(onA.attached());
        await().atMost(Duration.ofSeconds(10)).until(() -> gotA.size() >= 12);
        dev.messagingnode.sink.SinkConsumer onB = b.client.consume("logs", batch ->
            batch.forEach(d -> standby.add(d.message().toString())));
        await(onB.attached());
        await().during(Duration.ofMillis(300)).until(() -> standby.isEmpty() && !onB.isActive() && onA.isActive());
        await(onB.unregister());
        await(onA.unregister()); // its unacknowledged batches go back to the head of the buffer, in order

        leader.stop();
        ClusterNodes.Member next = nodes.leader();
        assertThat(next).isNotSameAs(leader);
        // The new leader owes every message not acknowledged, in order; at least once: the acks of the first two
        // batches may not have been committed when the leader went, then those come again too.
        List<String> gotB = new CopyOnWriteArrayList<>();
        await(b.client.consume("logs", batch -> batch.forEach(d -> gotB.add(d.message().toString()))).attached());
        await().atMost(Duration.ofSeconds(20)).until(() -> gotB.contains("l19"));
        int from = Integer.parseInt(gotB.get(0).substring(1));
        assertThat(from).isIn(0, 4, 8);
        List<String> expected = new java.util.ArrayList<>();
        for (int i = from; i < 20; i++) {
            expected.add("l" + i);
        }
        assertThat(gotB).containsExactlyElementsOf(expected);
        await(a.client.send("logs", Buffer.buffer("after")));
        await().atMost(Duration.ofSeconds(10)).until(() -> gotB.contains("after"));
    }

    @Test
    void tasksGoToWorkersOnOtherNodesAndAWorkerNodeThatLeavesHasItsTasksRedelivered() {
        create(ExchangeDefinition.of("jobs", "tasks").withOption("ack-timeout", "1h"), m1);
        ClusterNodes.Member leader = nodes.leader();
        ClusterNodes.Member workers = nodes.followers().get(0);
        ClusterNodes.Member producer = nodes.followers().get(1);
        List<Task> stuck = new CopyOnWriteArrayList<>();
        Registration w2 = workers.client.work("jobs", 2, stuck::add);
        await(w2.attached());
        for (int i = 0; i < 2; i++) {
            await(producer.client.enqueue("jobs", Buffer.buffer("t" + i), 5));
        }
        await().until(() -> stuck.size() == 2);
        Map<Long, AtomicInteger> acked = new ConcurrentHashMap<>();
        await(producer.client.work("jobs", 2, t -> t.ack().onSuccess(v ->
            acked.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet())).attached());
        long start = System.nanoTime();
        workers.stop(); // with two tasks held and an ack timeout of an hour; the other two replicas are a majority
        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(acked.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(leader.meters.get("messaging.tasks.redelivered").counter().count()).isEqualTo(2);
    }

    @Test
    void whenTheLeaderOfADurableTasksExchangeGoesItsAcceptedTasksSurviveOnTheNewLeader() {
        ExchangeDefinition jobs = ExchangeDefinition.of("jobs", "tasks");
        create(jobs, m1);
        ClusterNodes.Member leader = nodes.leader();
        ClusterNodes.Member client = nodes.followers().get(1);
        for (int i = 0; i < 10; i++) {
            await(client.client.enqueue("jobs", Buffer.buffer("t" + i), 0));
        }
        List<String> firstDone = new CopyOnWriteArrayList<>();
        AtomicInteger taken = new AtomicInteger();
        Registration first = client.client.work("jobs", 1, t -> {
            if (taken.incrementAndGet() <= 4) {
                t.ack().onSuccess(v -> firstDone.add(t.message().toString()));
            } // the fifth stays held, then goes back when the worker leaves
        });
        await(first.attached());
        await().until(() -> firstDone.size() == 4 && taken.get() == 5);
        await(first.unregister());

        leader.stop();
        ClusterNodes.Member next = nodes.leader();
        assertThat(next).isNotSameAs(leader);
        await().atMost(Duration.ofSeconds(15)).until(() -> client.directory.directory().get("jobs")
            .map(e -> e.hosts().equals(List.of(next.name))).orElse(false));
        List<String> secondDone = new CopyOnWriteArrayList<>();
        List<Long> ids = new CopyOnWriteArrayList<>();
        await(client.client.work("jobs", 3, t -> t.ack().onSuccess(v -> {
            secondDone.add(t.message().toString());
            ids.add(t.id());
        })).attached());
        await().atMost(Duration.ofSeconds(10)).until(() -> secondDone.size() == 6);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> secondDone.size() == 6);
        assertThat(firstDone).containsExactly("t0", "t1", "t2", "t3");
        assertThat(secondDone).containsExactlyInAnyOrder("t4", "t5", "t6", "t7", "t8", "t9");
        // Ids come from the log: the new leader goes on after the last one, it never hands one out twice.
        long fresh = await(client.client.enqueue("jobs", Buffer.buffer("after"), 0));
        assertThat(fresh).isEqualTo(11);
    }

    @Test
    void aDurableTasksExchangeDeletedOnPurposeLeavesNothingBehind() {
        ExchangeDefinition jobs = ExchangeDefinition.of("jobs", "tasks");
        create(jobs, m1);
        for (int i = 0; i < 3; i++) {
            await(m3.client.enqueue("jobs", Buffer.buffer("old" + i), 0));
        }
        await(m2.registry.delete("jobs")); // on a replica that may not lead: the deletion is a command of the log
        await().until(() -> nodes.members.stream().allMatch(m -> m.directory.directory().get("jobs").isEmpty()
            && !m.durableExchanges.owns("jobs")));
        create(jobs, m2);
        await(m3.client.enqueue("jobs", Buffer.buffer("new"), 0));
        List<String> done = new CopyOnWriteArrayList<>();
        await(m3.client.work("jobs", 5, t -> t.ack().onSuccess(v -> done.add(t.message().toString()))).attached());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> done.equals(List.of("new")));
    }

    @Test
    void aWorkersAckCrossesBackToTheLeader() {
        create(ExchangeDefinition.of("jobs", "tasks"), m1);
        ClusterNodes.Member leader = nodes.leader();
        AtomicInteger done = new AtomicInteger();
        await(nodes.followers().get(0).client.work("jobs", 3, t -> t.ack().onSuccess(v -> done.incrementAndGet()))
            .attached());
        for (int i = 0; i < 30; i++) {
            nodes.followers().get(1).client.enqueue("jobs", Buffer.buffer("t" + i), i % 10);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> done.get() == 30);
        assertThat(leader.meters.get("messaging.tasks.acked").counter().count()).isEqualTo(30);
    }

    @Test
    void aReplicaRemovedAtRunTimeIsNotNeededAnyMore() {
        create(ExchangeDefinition.of("jobs", "tasks"), m1);
        ClusterNodes.Member leader = nodes.leader();
        ClusterNodes.Member gone = nodes.followers().get(1);
        ClusterNodes.Member client = nodes.followers().get(0);
        await(client.client.enqueue("jobs", Buffer.buffer("before"), 0));
        // Asked of a follower: the change goes to the leader through REDIRECT and is committed like any command.
        List<String> now = await(client.durable.removeMember(gone.name));
        assertThat(now).doesNotContain(gone.name).hasSize(2);
        await().until(() -> leader.durable.members().size() == 2 && client.durable.members().size() == 2);
        gone.stop();
        // Two of two: a majority without the removed node, which may now be deleted with its data.
        List<String> done = new CopyOnWriteArrayList<>();
        await(client.client.work("jobs", 5, t -> t.ack().onSuccess(v -> done.add(t.message().toString())))
            .attached());
        await(client.client.enqueue("jobs", Buffer.buffer("after"), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
        assertThat(done).containsExactlyInAnyOrder("before", "after");
        assertThat(client.durable.hasQuorum()).isTrue();
    }

    /**
     * Fifty durable exchanges on three replicas live in one Raft group: one log directory and one Raft thread per
     * node whatever their number, so the JVM (three members here) gains no thread and no open file per exchange.
     */
    @Test
    void fiftyDurableExchangesCostNoThreadOrFilePerExchange() throws Exception {
        create(ExchangeDefinition.of("first", "tasks"), m1);
        int threadsBefore = Thread.activeCount();
        long filesBefore = openFiles();
        for (int i = 0; i < 50; i++) {
            await(nodes.get(i % 3).registry.create(ExchangeDefinition.of("many-" + i, "tasks")));
        }
        ClusterNodes.Member leader = nodes.leader();
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.members.stream().allMatch(m ->
            m.directory.directory().entries().keySet().stream().filter(n -> n.startsWith("many-")).count() == 50));
        Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        ClusterNodes.Member client = nodes.followers().get(0);
        for (int i = 0; i < 50; i++) {
            String name = "many-" + i;
            await(client.client.work(name, 1, t -> t.ack().onSuccess(v ->
                done.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet())).attached());
            await(client.client.enqueue(name, Buffer.buffer("t"), 0));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() == 50);
        int threadsAfter = Thread.activeCount();
        long filesAfter = openFiles();
        System.out.printf("50 durable exchanges on 3 replicas: threads %d -> %d, open files %d -> %d%n",
            threadsBefore, threadsAfter, filesBefore, filesAfter);
        assertThat(threadsAfter - threadsBefore).as("threads").isLessThan(10);
        assertThat(filesAfter - filesBefore).as("open files").isLessThan(10);
        assertThat(leader.durableExchanges.names()).hasSize(51);
        try (java.util.stream.Stream<java.nio.file.Path> dirs = java.nio.file.Files.list(
            leader.durable.settings().dataDir())) {
            assertThat(dirs.toList()).as("one log directory for all of them").hasSize(1);
        }
    }

    private static long openFiles() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(
            java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
