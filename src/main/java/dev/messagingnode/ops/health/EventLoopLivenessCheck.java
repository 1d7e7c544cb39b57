package dev.messagingnode.ops.health;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live: every event loop ran a heartbeat within {@code messaging.health.event-loop-max-lag}. A blocked event loop
 * stalls every exchange and connection on it, and only a restart helps; nothing else makes this check DOWN.
 */
@Liveness
@ApplicationScoped
public class EventLoopLivenessCheck implements HealthCheck {

    private final EventLoopHeartbeat heartbeat;
    private final long maxLagMs;

    public EventLoopLivenessCheck(Vertx vertx,
                                  @ConfigProperty(name = "messaging.health.event-loop-max-lag", defaultValue = "10s")
                                  Duration maxLag) {
        this.maxLagMs = maxLag.toMillis();
        this.heartbeat = new EventLoopHeartbeat(vertx, Math.max(50, Math.min(1000, maxLagMs / 4)));
    }

    void onStop(@Observes ShutdownEvent event) {
        heartbeat.close();
    }

    @Override
    public HealthCheckResponse call() {
        return verdict(heartbeat.lagsMillis(), maxLagMs);
    }

    public static HealthCheckResponse verdict(long[] lags, long maxLagMs) {
        List<String> blocked = new ArrayList<>();
        long worst = 0;
        for (int i = 0; i < lags.length; i++) {
            worst = Math.max(worst, lags[i]);
            if (lags[i] > maxLagMs) {
                blocked.add("event-loop-" + i + " (" + lags[i] + " ms)");
            }
        }
        return HealthCheckResponse.named("messaging-event-loops")
            .status(blocked.isEmpty())
            .withData("eventLoops", lags.length)
            .withData("maxLagMs", maxLagMs)
            .withData("worstLagMs", worst)
            .withData("blocked", String.join(",", blocked))
            .build();
    }
}
