package dev.messagingnode.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.ops.health.EventLoopHeartbeat;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The liveness heartbeat: UP while every event loop runs, DOWN naming the loop while one is blocked. */
class EventLoopHeartbeatTest {

    @Test
    void aBlockedEventLoopShowsItsLagAndRecovers() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(60_000));
        try (EventLoopHeartbeat heartbeat = new EventLoopHeartbeat(vertx, 20)) {
            await().until(() -> Arrays.stream(heartbeat.lagsMillis()).max().orElseThrow() < 100);
            assertThat(verdict(heartbeat).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

            CountDownLatch release = new CountDownLatch(1);
            vertx.runOnContext(v -> {
                try {
                    release.await(); // a handler that blocks its event loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> verdict(heartbeat).getStatus()
                == HealthCheckResponse.Status.DOWN);
            HealthCheckResponse down = verdict(heartbeat);
            assertThat(down.getData().orElseThrow().get("blocked").toString()).startsWith("event-loop-");
            assertThat((Long) down.getData().orElseThrow().get("worstLagMs")).isGreaterThan(300L);

            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> verdict(heartbeat).getStatus()
                == HealthCheckResponse.Status.UP);
        } finally {
            vertx.close();
        }
    }

    private static HealthCheckResponse verdict(EventLoopHeartbeat heartbeat) {
        return dev.messagingnode.ops.health.EventLoopLivenessCheck.verdict(heartbeat.lagsMillis(), 300);
    }
}
