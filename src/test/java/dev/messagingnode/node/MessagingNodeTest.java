package dev.messagingnode.node;

import static dev.messagingnode.testing.LocalNode.await;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.rpc.Reply;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node inside Quarkus: configured exchanges, the injected Java API, health and metrics. */
@QuarkusTest
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessagingNodeTest {

    @Inject
    MessagingClient client;

    @Inject
    MessagingNode node;

    @Test
    void createsTheConfiguredExchangesWithTheirOptions() {
        assertThat(await(client.exchanges())).extracting(ExchangeDefinition::name)
            .contains("demo-echo", "demo-count", "demo-greeter", "demo-events", "demo-logs", "demo-jobs",
                "demo-jobs-failed", "test-rpc");
        assertThat(await(client.exchanges())).filteredOn(d -> d.name().equals("test-rpc"))
            .singleElement().satisfies(d -> assertThat(d.options()).containsEntry("request-timeout", "2s"));
    }

    @Test
    void theInjectedClientServesAndCallsThroughAConfiguredExchange() {
        Registration r = client.register("test-rpc", req -> req.reply(Buffer.buffer("pong " + req.message())));
        try {
            await(r.attached());
            Reply reply = await(client.call("test-rpc", Buffer.buffer("ping")));
            assertThat(reply.message().toString()).isEqualTo("pong ping");
        } finally {
            await(r.unregister());
        }
    }

    @Test
    void startedAndReadyReportTheConfiguredExchanges() {
        given().get("/q/health/started").then().statusCode(200)
            .body("status", equalTo("UP"))
            .body("checks.name", hasItem("messaging-node-started"));
        given().get("/q/health/ready").then().statusCode(200)
            .body("status", equalTo("UP"))
            .body("checks.find { it.name == 'messaging-exchanges' }.data.missing", equalTo(""));
    }

    @Test
    void readinessIsDownWhileAConfiguredExchangeIsMissing() {
        await(node.registry().delete("test-rpc"));
        try {
            given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'messaging-exchanges' }.data.missing", equalTo("test-rpc"));
        } finally {
            await(node.registry().create(node.configuredExchanges().stream()
                .filter(d -> d.name().equals("test-rpc")).findFirst().orElseThrow()));
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void metricsShowRequestsPerExchange() {
        client.call("demo-echo", Buffer.buffer()); // demo services are off in tests: refused with NO_SERVICE
        org.awaitility.Awaitility.await().untilAsserted(() ->
            given().get("/q/metrics").then().statusCode(200)
                .body(containsString("messaging_requests_refused_total{exchange=\"demo-echo\",pattern=\"request-response\",reason=\"NO_SERVICE\"}")));
    }

    @Test
    void metricsCarryNoPerAddressSeries() {
        // Every party, inbox and dialogue turn has an address of its own: a series per address would grow forever.
        Registration r = client.register("test-rpc", req -> req.reply(Buffer.buffer()));
        try {
            await(r.attached());
            await(client.call("test-rpc", Buffer.buffer()));
        } finally {
            await(r.unregister());
        }
        given().get("/q/metrics").then().statusCode(200)
            .body(org.hamcrest.Matchers.not(containsString("address=\"messaging.")));
    }
}
