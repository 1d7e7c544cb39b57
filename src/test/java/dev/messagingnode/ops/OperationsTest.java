package dev.messagingnode.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Registration;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Health endpoints say why, and the Prometheus series move with the traffic. */
@QuarkusTest
class OperationsTest {

    @Inject
    MessagingClient client;

    @Test
    void healthChecksAreUpAndSayWhy() {
        given().get("/q/health/live").then().statusCode(200).body("checks.name", hasItems("messaging-event-loops"))
            .body("checks.find { it.name == 'messaging-event-loops' }.data.blocked", equalTo(""));
        given().get("/q/health/ready").then().statusCode(200)
            .body("checks.name", hasItems("messaging-node", "messaging-cluster", "messaging-exchanges",
                "messaging-directory"))
            .body("checks.find { it.name == 'messaging-node' }.data.state", equalTo("serving"));
        given().get("/q/health/started").then().statusCode(200)
            .body("checks.find { it.name == 'messaging-node-started' }.data.joined", equalTo(true));
    }

    @Test
    void perExchangeAndNodeSeriesMove() {
        given().body("{\"pattern\":\"request-response\"}").put("/exchanges/metrics-rpc").then().statusCode(201);
        given().body("{\"pattern\":\"tasks\"}").put("/exchanges/metrics-jobs").then().statusCode(201);
        Registration service = client.register("metrics-rpc", req -> req.reply(Buffer.buffer("ok")));
        await().until(() -> service.state() == Registration.State.ATTACHED);
        double acceptedBefore = value("messaging_requests_accepted_total", "metrics-rpc");
        for (int i = 0; i < 3; i++) {
            given().body("x").post("/exchanges/metrics-rpc/requests").then().statusCode(200);
        }
        given().body("x").post("/exchanges/metrics-jobs/tasks?priority=3").then().statusCode(202);
        given().body("x").post("/exchanges/metrics-jobs/tasks?priority=3").then().statusCode(202);
        String worker = given().post("/exchanges/metrics-jobs/workers").then().statusCode(201).extract().path("party");
        int item = given().queryParam("wait", "5s").get("/parties/" + worker + "/next").then().statusCode(200)
            .extract().path("item");
        given().post("/parties/" + worker + "/items/" + item + "/ack").then().statusCode(204);
        item = given().queryParam("wait", "5s").get("/parties/" + worker + "/next").then().statusCode(200)
            .extract().path("item");
        given().post("/parties/" + worker + "/items/" + item + "/nack").then().statusCode(204);

        assertThat(value("messaging_requests_accepted_total", "metrics-rpc")).isEqualTo(acceptedBefore + 3);
        assertThat(value("messaging_requests_answered_total", "metrics-rpc")).isEqualTo(3);
        assertThat(value("messaging_tasks_enqueued_total", "metrics-jobs")).isEqualTo(2);
        assertThat(value("messaging_tasks_acked_total", "metrics-jobs")).isEqualTo(1);
        assertThat(value("messaging_tasks_nacked_total", "metrics-jobs")).isEqualTo(1);
        assertThat(value("messaging_tasks_redelivered_total", "metrics-jobs")).isGreaterThanOrEqualTo(1);
        String scrape = given().get("/q/metrics").asString();
        assertThat(scrape).contains("messaging_request_latency_seconds_bucket{exchange=\"metrics-rpc\"");
        assertThat(scrape).containsPattern("messaging_tasks_queued\\{exchange=\"metrics-jobs\",pattern=\"tasks\","
            + "priority=\"3\"}");
        assertThat(scrape).contains("messaging_cluster_members 1.0", "messaging_bridge_connections ",
            "messaging_http_sse_dropped_total ", "messaging_cluster_route_dropped_total 0.0",
            "messaging_cluster_route_moves_total 0.0", "messaging_cluster_route_backlog_waits_total 0.0");
        assertThat(node("messaging_remote_parties")).isGreaterThanOrEqualTo(1);
        assertThat(node("messaging_directory_exchanges")).isGreaterThanOrEqualTo(2);
        given().delete("/parties/" + worker).then().statusCode(204);
        service.unregister();

        given().body("{\"pattern\":\"request-response\"}").put("/exchanges/metrics-chunks").then().statusCode(201);
        Registration chunks = client.register("metrics-chunks", req -> {
            var out = req.stream();
            out.write(Buffer.buffer("12345"));
            out.write(Buffer.buffer("678"));
            out.end();
        });
        await().until(() -> chunks.state() == Registration.State.ATTACHED);
        given().body("x").post("/exchanges/metrics-chunks/requests").then().statusCode(200).body(equalTo("12345678"));
        assertThat(value("messaging_chunks_bytes_total", "metrics-chunks")).isEqualTo(8);
        chunks.unregister();
    }

    @Test
    void readinessNamesAConfiguredExchangeThatRunsNowhere() {
        given().delete("/exchanges/test-ready").then().statusCode(204);
        given().get("/q/health/ready").then().statusCode(503)
            .body("checks.find { it.name == 'messaging-exchanges' }.status", equalTo("DOWN"))
            .body("checks.find { it.name == 'messaging-exchanges' }.data.missing", equalTo("test-ready"));
        given().get("/q/health/live").then().statusCode(200); // a missing exchange is no reason to restart
        given().body("{\"pattern\":\"pubsub\"}").put("/exchanges/test-ready").then().statusCode(201);
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static double value(String series, String exchange) {
        String scrape = given().get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + series + "\\{[^}]*exchange=\"" + exchange + "\"[^}]*} (\\S+)$")
            .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static double node(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(given().get("/q/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
