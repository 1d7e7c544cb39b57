package dev.messagingnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.process.NodeProcess;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM of the leader of a durable tasks exchange under load: its readiness turns DOWN at once (saying why) while it
 * still serves, it exits cleanly within the shutdown grace, another replica leads the exchange, and every accepted
 * task is done.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterShutdownIT {

    @Test
    void aTerminatedOwnerDrainsHandsOverAndExitsWithinTheGrace() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start("shutdown", Map.of("MESSAGING_DEMO_ENABLED", "false",
            "MESSAGING_EXCHANGES_JOBS_PATTERN", "tasks", "QUARKUS_SHUTDOWN_DELAY", "2s"), 3)) {
            ClusterNodes.Member member = cluster.member;
            await().atMost(Duration.ofSeconds(30)).until(() -> member.directory.directory().get("jobs")
                .map(e -> e.hosts().size() == 1).orElse(false));
            String owner = member.directory.directory().get("jobs").orElseThrow().hosts().get(0);
            NodeProcess victim = cluster.processes.get(Integer.parseInt(owner.substring(1)) - 1);
            for (int i = 0; i < 200; i++) {
                member.client.enqueue("jobs", Buffer.buffer("t" + i), i % 10).toCompletionStage()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
            member.client.work("jobs", 5, t -> member.vertx.setTimer(10, id -> {
                done.computeIfAbsent(t.message().toString(), k -> new AtomicInteger()).incrementAndGet();
                t.ack();
            })).attached().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> done.size() >= 50);

            long terminatedAt = System.nanoTime();
            victim.terminate();
            // During the delay the node still answers, but not ready, and says it is draining.
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
                HttpResponse<String> ready = victim.get("/q/health/ready");
                return ready.statusCode() == 503 && ready.body().contains("\"draining\"");
            });
            int exit = victim.awaitExit(Duration.ofSeconds(30));
            long exitedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminatedAt);
            assertThat(exit).as(victim.log()).isIn(0, 143);
            assertThat(exitedAfterMs).isLessThan(22_000);
            assertThat(victim.log()).contains("draining before the node stops");

            await().atMost(Duration.ofSeconds(60)).until(() -> done.size() == 200);
            // One of the two other replicas leads now.
            assertThat(member.directory.directory().get("jobs").orElseThrow().hosts()).hasSize(1)
                .doesNotContain(owner);
            long twice = done.values().stream().filter(n -> n.get() > 1).count();
            System.out.printf("graceful: exit=%d after %d ms, done=%d, done-twice=%d%n", exit, exitedAfterMs,
                done.size(), twice);
            assertThat(twice).isLessThanOrEqualTo(10);
        }
    }
}
