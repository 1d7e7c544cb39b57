package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Twelve HTTP clients ask for a 4 GiB chunked reply each and never read it: the streams are paced by the
 * connections (a few MiB each, not gigabytes), the node stays under a 512 MiB pod's memory and keeps answering
 * echo at once, and past the write-stall timeout every stalled connection is cut.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowHttpClientsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void clientsThatNeverReadHoldLittleAndAreCutOff() throws Exception {
        try (NodeProcess node = NodeProcess.start("slow-http-clients", Map.of("MESSAGING_HTTP_WRITE_STALL_TIMEOUT",
            "6s"))) {
            node.awaitReady(Duration.ofSeconds(60));
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(16 * 1024);
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", node.httpPort()));
                    String body = "4294967296 1048576";
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /exchanges/demo-blob/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    clients.add(s);
                }
                Thread.sleep(3000); // the clients do not read; the streams fill what they can
                double produced = chunkBytes(node);
                long rss = rssBytes(node.pid());
                long[] echo = new long[15];
                for (int i = 0; i < echo.length; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + node.httpPort() + "/exchanges/demo-echo/requests"))
                        .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());
                    echo[i] = System.nanoTime() - start;
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                Arrays.sort(echo);
                System.out.printf("12 stalled clients: %.1f MiB produced, RSS %d MiB, echo p50 %.1f ms max %.1f ms%n",
                    produced / (1 << 20), rss >> 20, echo[echo.length / 2] / 1e6, echo[echo.length - 1] / 1e6);
                assertThat(produced).isLessThan(12 * 40.0 * (1 << 20));
                assertThat(rss).isLessThan(512L << 20);
                assertThat(echo[echo.length / 2]).isLessThan(TimeUnit.MILLISECONDS.toNanos(100));
                // Past the stall timeout every one of them is cut, and production has stopped for good.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (count(node.log(), "HTTP chunked reply cut off") < 12 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(count(node.log(), "HTTP chunked reply cut off")).isEqualTo(12);
                double atCut = chunkBytes(node);
                Thread.sleep(1000);
                assertThat(chunkBytes(node)).isEqualTo(atCut);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
        }
    }

    private static double chunkBytes(NodeProcess node) throws Exception {
        Matcher m = Pattern.compile("messaging_chunks_bytes_total\\{exchange=\"demo-blob\"[^}]*} (\\S+)")
            .matcher(node.get("/q/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static long rssBytes(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
