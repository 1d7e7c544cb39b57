package dev.messagingnode.bridge;

import static dev.messagingnode.testing.ExternalCommand.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.process.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stock Vert.x JavaScript bridge client ({@code @vertx/eventbus-bridge-client.js}, installed from npm here) does
 * request-response, subscribe and work (disconnecting with a task held) against a packaged node over its SockJS bridge, with nothing but the README's
 * address table to go by ({@code src/test/js/bridge-client.js}).
 */
class JavaScriptBridgeClientIT {

    @Test
    void theStockJavaScriptClientRequestsAndSubscribes() throws Exception {
        Path dir = Path.of("target", "js-client");
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "bridge-client.js")) {
            Files.copy(Path.of("src", "test", "js", file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@vertx/eventbus-bridge-client.js"))) {
            run(dir, Duration.ofMinutes(5), Map.of(), "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
        try (NodeProcess node = NodeProcess.start("js-client", Map.of())) {
            node.awaitReady(Duration.ofSeconds(60));
            assertThat(http(node, "POST", "/exchanges/demo-jobs/tasks", "held by javascript").statusCode())
                .isEqualTo(202);
            String out = run(dir, Duration.ofSeconds(60), Map.of(), "node", "bridge-client.js",
                "http://127.0.0.1:" + node.httpPort() + "/eventbus", "demo-echo", "demo-events", "demo-jobs");
            assertThat(out).contains("\"step\":\"request\"", "\"failureCode\":4001", "\"step\":\"delivery\"",
                "\"step\":\"isolation\",\"otherGot\":0", "\"message\":\"held by javascript\"", "{\"ok\":true}");
            // The client exited holding the task: the node gives it to the next worker as a redelivery.
            String worker = new JsonObject(http(node, "POST", "/exchanges/demo-jobs/workers", "").body())
                .getString("party");
            JsonObject task = new JsonObject(http(node, "GET", "/parties/" + worker + "/next?wait=15s", null).body());
            assertThat(task.getString("message")).isEqualTo("held by javascript");
            assertThat(task.getInteger("deliveryCount")).isEqualTo(2);
        }
    }

    private static HttpResponse<String> http(NodeProcess node, String method, String path, String body)
        throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
                + path)).timeout(Duration.ofSeconds(30)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
