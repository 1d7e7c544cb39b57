package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.process.NodeProcess;
import dev.messagingnode.rpc.Reply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a node under load, for real: exchanges live in two node processes (the packaged application), the
 * services, subscribers and clients in a member inside this test JVM. The killed node's waiting requests fail at
 * once rather than at their timeout, and the exchange keeps serving from the survivor.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterFailoverIT {

    private ProcessCluster cluster;
    private List<NodeProcess> processes;
    private ClusterNodes.Member member;

    @AfterEach
    void stopAll() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Two node processes hosting the same exchanges (from {@code env}), and this JVM as a third member. */
    private void cluster(Map<String, String> env) throws Exception {
        cluster(env, 2);
    }

    private void cluster(Map<String, String> env, int count) throws Exception {
        cluster = ProcessCluster.start("failover", env, count);
        processes = cluster.processes;
        member = cluster.member;
    }

    private void awaitHosts(String exchange, int hosts) {
        await().atMost(Duration.ofSeconds(30)).until(() -> member.directory.directory().get(exchange)
            .map(e -> e.hosts().size() == hosts).orElse(false));
    }

    @Test
    void requestsInFlightOnAKilledNodeFailAtOnceAndTheSurvivorKeepsServing() throws Exception {
        cluster(Map.of("MESSAGING_EXCHANGES_ORDERS_PATTERN", "request-response",
            "MESSAGING_EXCHANGES_ORDERS_OPTIONS_REQUEST_TIMEOUT", "60s"));
        awaitHosts("orders", 2);
        // A slow service: requests stay in flight at the exchanges long enough to be caught by the kill.
        await(member.client.register("orders", req -> member.vertx.setTimer(20,
            t -> req.reply(Buffer.buffer("ok")))).attached());
        AtomicLong ok = new AtomicLong();
        AtomicLong exchangeDown = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicInteger running = new AtomicInteger(1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        for (int i = 0; i < 32; i++) {
            loop(end, ok, exchangeDown, other, slowest, running);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 200);
        processes.get(0).kill();
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > end && running.get() == 1);
        System.out.printf("after kill -9: ok=%d exchange-down=%d other=%d slowest=%d ms%n", ok.get(),
            exchangeDown.get(), other.get(), slowest.get() / 1_000_000);
        assertThat(other.get()).as("no other failure than EXCHANGE_DOWN").isZero();
        assertThat(slowest.get()).as("nobody waited for the 60 s timeout").isLessThan(TimeUnit.SECONDS.toNanos(10));
        // The survivor serves the rest.
        assertThat(await(member.client.call("orders", Buffer.buffer())).message().toString()).isEqualTo("ok");
    }

    private void loop(long end, AtomicLong ok, AtomicLong exchangeDown, AtomicLong other, AtomicLong slowest,
                      AtomicInteger running) {
        running.incrementAndGet();
        member.vertx.runOnContext(v -> new Object() {
            void next() {
                if (System.nanoTime() > end) {
                    running.decrementAndGet();
                    return;
                }
                long start = System.nanoTime();
                Future<Reply> f = member.client.call("orders", Buffer.buffer("o"));
                f.onComplete(ar -> {
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    if (ar.succeeded()) {
                        ok.incrementAndGet();
                    } else if (ar.cause() instanceof MessagingException m && (m.failure() == Failure.EXCHANGE_DOWN
                        || m.failure() == Failure.NO_SUCH_EXCHANGE)) {
                        exchangeDown.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                        System.out.println("unexpected: " + ar.cause());
                    }
                    next();
                });
            }
        }.next());
    }

    @Test
    void killingTheLeaderOfADurableTasksExchangeLosesNoAcceptedTask() throws Exception {
        // Three replicas configured for "jobs": the leader runs it, the two others hold the log and elect a new one.
        cluster(Map.of("MESSAGING_EXCHANGES_JOBS_PATTERN", "tasks",
            "MESSAGING_EXCHANGES_JOBS_OPTIONS_ACK_TIMEOUT", "5s", "MESSAGING_DEMO_ENABLED", "false"), 3);
        awaitHosts("jobs", 1);
        String owner = member.directory.directory().get("jobs").orElseThrow().hosts().get(0);
        Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        AtomicLong accepted = new AtomicLong();
        for (int i = 0; i < 200; i++) {
            await(member.client.enqueue("jobs", Buffer.buffer("t" + i), i % 10));
            accepted.incrementAndGet();
        }
        // A slow worker in this JVM: 10 ms a task, 5 at a time. A task counts as done when the worker finished it and
        // acked; an ack that the dying leader took but could not commit still means the work was done.
        await(member.client.work("jobs", 5, t -> member.vertx.setTimer(10, id -> {
            done.computeIfAbsent(t.message().toString(), k -> new AtomicInteger()).incrementAndGet();
            t.ack();
        })).attached());
        await().atMost(Duration.ofSeconds(20)).until(() -> done.size() >= 50);
        NodeProcess victim = processes.get(Integer.parseInt(owner.substring(1)) - 1);
        victim.kill();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> done.size() == 200);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("stuck at " + done.size() + " done; directory " + member.directory.directory().entries()
                .get("jobs") + "; members " + member.cluster.members());
            throw e;
        }
        long twice = done.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("tasks: accepted=%d done=%d done-twice=%d (leader %s killed; now %s)%n", accepted.get(),
            done.size(), twice, owner, member.directory.directory().get("jobs").orElseThrow().hosts());
        // Nothing accepted is lost; a task worked on around the kill may be done again (at-least-once): those the
        // worker held (its prefetch, 5) and those whose ack the leader took but could not commit.
        assertThat(twice).isLessThanOrEqualTo(10);
    }

    @Test
    void publishingGoesOnThroughTheSurvivorAfterAKill() throws Exception {
        cluster(Map.of("MESSAGING_EXCHANGES_EVENTS_PATTERN", "pubsub"));
        awaitHosts("events", 2);
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        await(member.client.subscribe("events", "#", "t", d -> seen.put(d.message().toString(), true)).attached());
        await().until(() -> {
            // registered with both hosts: a publish through either reaches it
            return await(member.client.publish("events", "k", Buffer.buffer("probe"))) == 1;
        });
        processes.get(0).kill();
        awaitHosts("events", 1);
        for (int i = 0; i < 100; i++) {
            assertThat(await(member.client.publish("events", "k", Buffer.buffer("after-" + i)))).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < 100; i++) {
                if (!seen.containsKey("after-" + i)) {
                    return false;
                }
            }
            return true;
        });
    }
}
