package dev.messagingnode.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.process.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stock Vert.x JavaScript bridge client ({@code @vertx/eventbus-bridge-client.js}, installed from npm here) does
 * request-response and subscribe against a packaged node over its SockJS bridge, with nothing but the README's
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
            run(dir, Duration.ofMinutes(5), "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
        }
        try (NodeProcess node = NodeProcess.start("js-client", Map.of())) {
            node.awaitReady(Duration.ofSeconds(60));
            String out = run(dir, Duration.ofSeconds(60), "node", "bridge-client.js",
                "http://127.0.0.1:" + node.httpPort() + "/eventbus", "demo-echo", "demo-events");
            assertThat(out).contains("\"step\":\"request\"", "\"failureCode\":4001", "\"step\":\"delivery\"",
                "{\"ok\":true}");
        }
    }

    private static String run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path log = dir.resolve(command[0] + ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                + Files.readString(log));
        }
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }
}
