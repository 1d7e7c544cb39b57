package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged node at its edges: SIGTERM with every kind of long-lived connection open, and a port in use. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShutdownAndPortsIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Open SockJS session, SSE subscription, waiting long poll, a chunked reply its client walked away from, a TCP
     * bridge connection: none holds the exit up past the shutdown delay (2 s) plus the hand-back (the shutdown
     * timeout, 20 s, is what they cost before).
     */
    @Test
    void sigtermWithLongLivedConnectionsOpenExitsWithinTheDelay() throws Exception {
        try (NodeProcess node = NodeProcess.start("shutdown-open-streams", Map.of())) {
            node.awaitReady(START);
            String base = "http://127.0.0.1:" + node.httpPort();
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/eventbus/000/s1/xhr_streaming"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/exchanges/demo-events/subscribe?key=a.%23"))
                .build(), HttpResponse.BodyHandlers.discarding());
            String worker = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/exchanges/demo-jobs/workers"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
            String party = new io.vertx.core.json.JsonObject(worker).getString("party");
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/parties/" + party + "/next?wait=60s")).build(),
                HttpResponse.BodyHandlers.discarding());
            abortChunkedReply(node.httpPort());
            try (Socket bridge = new Socket("127.0.0.1", node.bridgePort())) {
                Thread.sleep(500); // let every request reach the node before the signal
                long start = System.nanoTime();
                node.terminate();
                int exit = node.awaitExit(Duration.ofSeconds(30));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(exit).isIn(0, 143);
                assertThat(took).as(node.log()).isLessThan(Duration.ofSeconds(8));
                assertThat(node.log()).doesNotContain("Timed out waiting for graceful shutdown");
            }
        }
    }

    @Test
    void aBridgePortInUseStopsTheNodeNamingThePortAndItsKey() throws Exception {
        try (NodeProcess first = NodeProcess.start("port-owner", Map.of())) {
            first.awaitReady(START);
            try (NodeProcess second = NodeProcess.start("port-taken", Map.of("MESSAGING_BRIDGE_TCP_PORT",
                String.valueOf(first.bridgePort())))) {
                int exit = second.awaitExit(START);
                assertThat(exit).isNotZero();
                assertThat(second.log()).contains("127.0.0.1:" + first.bridgePort())
                    .contains("already in use").contains("messaging.bridge.tcp.port")
                    .contains("MESSAGING_BRIDGE_TCP_PORT");
            }
        }
    }

    /** Asks demo-blob for 4 GiB, reads a little of it and closes the connection. */
    private static void abortChunkedReply(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            String body = "4294967296 1048576";
            OutputStream out = s.getOutputStream();
            out.write(("POST /exchanges/demo-blob/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 8L * 1024 * 1024) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        }
    }
}
