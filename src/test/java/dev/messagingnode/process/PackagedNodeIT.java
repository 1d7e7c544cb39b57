package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged node as a user starts it: the embedded default, environment overrides, a bad definition, SIGTERM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackagedNodeIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void theEmbeddedDefaultStartsItsDemoExchangesAndStopsCleanlyOnSigterm() throws Exception {
        try (NodeProcess node = NodeProcess.start("embedded-default", Map.of())) {
            node.awaitReady(START);
            String health = node.get("/q/health/ready").body();
            assertThat(health).contains("\"status\": \"UP\"").contains("\"running\": 8");
            assertThat(node.log()).contains("exchange demo-echo (request-response) started")
                .contains("exchange demo-events (pubsub) started").contains("exchange demo-logs (sink) started")
                .contains("exchange demo-jobs (tasks) started");
            // The demo services register with their exchanges just after start, beside readiness: give them a moment.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(node.get("/q/metrics").body()).contains("messaging_services{exchange=\"demo-echo\""));
            int exit = node.stop(Duration.ofSeconds(30));
            assertThat(exit).as(node.log()).isIn(0, 143);
            assertThat(node.log()).contains("exchange demo-echo deleted").contains("stopped in");
        }
    }

    @Test
    void environmentVariablesDefineAndOverrideExchanges() throws Exception {
        try (NodeProcess node = NodeProcess.start("env-overrides", Map.of(
            "MESSAGING_EXCHANGES_ENV_JOBS_PATTERN", "tasks",
            "MESSAGING_EXCHANGES_ENV_JOBS_OPTIONS_MAX_QUEUED", "5",
            "MESSAGING_EXCHANGES_DEMO_ECHO_OPTIONS_REQUEST_TIMEOUT", "3s"))) {
            node.awaitReady(START);
            assertThat(node.get("/q/health/ready").body()).contains("\"running\": 9");
            assertThat(node.log()).contains("exchange env-jobs (tasks) started");
        }
    }

    @Test
    void aBadExchangeDefinitionStopsTheNodeAtStartWithThePreciseReason() throws Exception {
        try (NodeProcess node = NodeProcess.start("bad-definition", Map.of(
            "MESSAGING_EXCHANGES_DEMO_ECHO_OPTIONS_REQUEST_TIMEOUT", "soon"))) {
            int exit = node.awaitExit(START);
            assertThat(exit).isNotZero();
            assertThat(node.log()).contains("configured exchange 'demo-echo' cannot start")
                .contains("request-timeout='soon'");
        }
    }
}
