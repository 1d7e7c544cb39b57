package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeDefinition;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bound of an SSE subscription: a client that stops reading fills its connection, and from then on deliveries
 * for it are dropped and counted (the publisher and other subscribers are not held up); when it reads again, the
 * next delivery says how many it missed.
 */
@QuarkusTest
class SlowSubscriberTest {

    @Inject
    MessagingClient client;

    @Test
    void aSubscriberThatStopsReadingLosesDeliveriesCountedNotTheNode() throws Exception {
        String name = "slow-sse";
        client.createExchange(ExchangeDefinition.of(name, "pubsub")).toCompletionStage().toCompletableFuture().join();
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /exchanges/" + name + "/subscribe?key=%23 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().until(() -> given().get("/exchanges/" + name).then().extract().path("parties").equals(1));
            // 2,000 × 16 KiB = 32 MiB published while the subscriber reads nothing.
            Buffer payload = Buffer.buffer("y".repeat(16 * 1024));
            for (int i = 0; i < 2000; i++) {
                client.publish(name, "k", payload).toCompletionStage().toCompletableFuture().join();
            }
            given().get("/q/health/ready").then().statusCode(200);

            // Now read again; "last" is published until it arrives (while the connection was full it was dropped too).
            java.util.List<JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("data: ") && line.contains("\"key\"")) {
                            events.add(new JsonObject(line.substring(6)));
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test closed the socket
                }
            });
            reader.start();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                client.publish(name, "last", Buffer.buffer("last"));
                return events.stream().anyMatch(e -> "last".equals(e.getString("key")));
            });
            JsonObject last = events.stream().filter(e -> "last".equals(e.getString("key"))).findFirst().get();
            int received = (int) events.stream().filter(e -> "k".equals(e.getString("key"))).count();
            assertThat(received).isLessThan(2000);
            // Every 'k' not received was dropped and counted (plus any 'last' published while still full).
            assertThat(last.getLong("dropped")).isGreaterThanOrEqualTo(2000 - received);
        }
    }
}
