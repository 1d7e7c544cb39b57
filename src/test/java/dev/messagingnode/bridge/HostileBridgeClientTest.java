package dev.messagingnode.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.rpc.ChunkedResponse;
import dev.messagingnode.tasks.Task;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP bridge against clients that lie, stall, vanish or reach for what is not theirs: every frame, connection
 * and write has a bound with a documented outcome (README's bounds table), and a connection only ever receives what
 * belongs to it. Bounds are small here so that each is reached in a moment.
 */
@QuarkusTest
@TestProfile(HostileBridgeClientTest.SmallBounds.class)
class HostileBridgeClientTest {

    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("messaging.bridge.max-frame-bytes", "65536");
            config.put("messaging.bridge.idle-timeout", "3s");
            config.put("messaging.bridge.write-stall-timeout", "4s");
            config.put("messaging.bridge.max-connections", "8");
            config.put("messaging.bridge.max-in-flight", "4");
            config.put("messaging.exchanges.hostile-rpc.pattern", "request-response");
            config.put("messaging.exchanges.hostile-rpc.options.request-timeout", "1s");
            config.put("messaging.exchanges.hostile-stream.pattern", "request-response");
            config.put("messaging.exchanges.hostile-stream.options.stream-idle-timeout", "60s");
            config.put("messaging.exchanges.hostile-events.pattern", "pubsub");
            config.put("messaging.exchanges.hostile-jobs.pattern", "tasks");
            config.put("messaging.exchanges.hostile-jobs.options.ack-timeout", "60s");
            return config;
        }
    }

    private static final int CHUNK = 16 * 1024;

    @Inject
    EventBusBridges bridges;

    @Inject
    MessagingClient client;

    private final List<Registration> registrations = new ArrayList<>();

    @BeforeEach
    void noConnectionLeftOver() {
        await().atMost(Duration.ofSeconds(10)).until(() -> bridges.connections() == 0);
    }

    @AfterEach
    void unregister() {
        registrations.forEach(Registration::unregister);
    }

    @Test
    void aLengthPrefixOutOfBoundsIsRefusedBeforeAnyBodyIsRead() throws Exception {
        for (long prefix : new long[] {0xFFFFFFFFL, 0x7FFFFFFFL, 0x80000000L, 2_000_000_000L, 65_537L, 0L}) {
            try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
                new DataOutputStream(s.socket().getOutputStream()).writeInt((int) prefix);
                // No body follows: the node answers on the prefix alone.
                JsonObject error = s.read();
                assertThat(error.getString("type")).isEqualTo("err");
                assertThat(error.getString("message")).as("prefix %d", prefix)
                    .startsWith(prefix == 0 ? "invalid_frame: a frame's length prefix is 0" : "frame_too_large:")
                    .contains(prefix == 0 ? "0" : "messaging.bridge.max-frame-bytes");
                assertThat(s.closedByNode()).isTrue();
            }
        }
        // An HTTP request on the bridge port reads as a length of 1.2 GB ("GET ").
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.writeBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.read().getString("message")).startsWith("frame_too_large:");
            assertThat(s.closedByNode()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bridges.connections() == 0);
    }

    @Test
    void aFrameThatIsNotAnObjectWithAKnownTypeClosesTheConnection() throws Exception {
        Map<String, String> cases = Map.of("{not json", "invalid_json:", "[1,2]", "invalid_frame:", "\"text\"",
            "invalid_frame:", "{}", "missing_type:", "{\"type\":5}", "missing_type:", "{\"type\":\"bogus\"}",
            "unknown_type: 'bogus'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
                s.writeRaw(c.getKey().getBytes(StandardCharsets.UTF_8));
                JsonObject error = s.read();
                assertThat(error.getString("type")).isEqualTo("err");
                assertThat(error.getString("message")).as(c.getKey()).startsWith(c.getValue());
                assertThat(s.closedByNode()).as(c.getKey()).isTrue();
            }
        }
        // A frame without an address is refused but the connection stays.
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.write(new JsonObject().put("type", "send").put("body", new JsonObject()));
            assertThat(s.read().getString("message")).startsWith("missing_address:");
            s.write(new JsonObject().put("type", "ping"));
            assertThat(s.read().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void aConnectionReceivesOnlyOnAddressesItRegistered() throws Exception {
        try (BridgeSocket a = new BridgeSocket(bridges.tcpPort()); BridgeSocket b = new BridgeSocket(bridges.tcpPort())) {
            b.register("messaging.client.me");
            // A names B's address without registering it: refused, whoever else listens there.
            a.send("messaging.api.subscribe", "r1", subscribe("messaging.client.me"));
            JsonObject refused = a.reply("r1");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4008);
            assertThat(refused.getString("message")).contains("not registered on this connection");
            // The README's example run by two clients at once: each gets only its own deliveries.
            a.register("messaging.client.me");
            a.send("messaging.api.subscribe", "r2", subscribe("messaging.client.me"));
            String subA = a.reply("r2").getJsonObject("body").getString("subscription");
            assertThat(publish("for A only")).isEqualTo(1);
            JsonObject delivery = a.readUntil(f -> f.getJsonObject("body", new JsonObject()).containsKey("key"));
            assertThat(delivery.getString("address")).isEqualTo("messaging.client.me");
            assertThat(delivery.getJsonObject("body").getString("message")).isEqualTo("for A only");
            assertThat(delivery.getJsonObject("body").getString("subscription")).isEqualTo(subA);
            assertThat(b.readWithin(1000)).isNull();
            b.send("messaging.api.subscribe", "r3", subscribe("messaging.client.me"));
            String subB = b.reply("r3").getJsonObject("body").getString("subscription");
            assertThat(publish("for both")).isEqualTo(2);
            for (BridgeSocket s : List.of(a, b)) {
                JsonObject d = s.readUntil(f -> f.getJsonObject("body", new JsonObject()).containsKey("key"));
                assertThat(d.getJsonObject("body").getString("subscription")).isEqualTo(s == a ? subA : subB);
            }
            // Unregistering the address stops the pushes to it.
            b.write(new JsonObject().put("type", "unregister").put("address", "messaging.client.me"));
            b.write(new JsonObject().put("type", "ping")); // frames are taken in order: the pong follows the unregister
            assertThat(b.read().getString("type")).isEqualTo("pong");
            assertThat(publish("after b left")).isEqualTo(2);
            a.readUntil(f -> f.getJsonObject("body", new JsonObject()).containsKey("key"));
            assertThat(b.readWithin(1000)).as("b after it unregistered").isNull();
        }
    }

    @Test
    void aPartyWhoseReplyToNobodyRegisteredIsRefused() throws Exception {
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.worker");
            s.send("messaging.api.register", "r1", new JsonObject().put("exchange", "hostile-jobs")
                .put("role", "worker").put("replyTo", "messaging.client.wroker"));
            JsonObject refused = s.reply("r1");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4008);
            assertThat(refused.getString("message")).contains("'messaging.client.wroker' is not registered");
        }
    }

    @Test
    void aSilentConnectionIsClosedAndAPingingOneStays() throws Exception {
        try (BridgeSocket silent = new BridgeSocket(bridges.tcpPort());
             BridgeSocket pinging = new BridgeSocket(bridges.tcpPort())) {
            long start = System.nanoTime();
            JsonObject closing = null;
            while (closing == null && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
                pinging.write(new JsonObject().put("type", "ping"));
                assertThat(pinging.read().getString("type")).isEqualTo("pong");
                closing = silent.readWithin(1000);
            }
            assertThat(closing).isNotNull();
            assertThat(closing.getString("message")).startsWith("idle_timeout:").contains("messaging.bridge.idle-timeout");
            assertThat(silent.closedByNode()).isTrue();
            pinging.write(new JsonObject().put("type", "ping"));
            assertThat(pinging.read().getString("type")).isEqualTo("pong");
        }
    }

    @Test
    void oneConnectionMoreThanMaxConnectionsIsToldAndClosed() throws Exception {
        List<BridgeSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                open.add(new BridgeSocket(bridges.tcpPort()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> bridges.connections() == 8);
            try (BridgeSocket extra = new BridgeSocket(bridges.tcpPort())) {
                assertThat(extra.read().getString("message")).startsWith("too_many_connections:")
                    .contains("messaging.bridge.max-connections");
                assertThat(extra.closedByNode()).isTrue();
            }
            assertThat(bridges.connections()).isEqualTo(8);
            assertThat(io.restassured.RestAssured.given().get("/q/metrics").then().extract().asString())
                .contains("messaging_bridge_connections 8.0");
        } finally {
            for (BridgeSocket s : open) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> bridges.connections() == 0);
    }

    @Test
    void aWorkerProcessKilledWithSigkillGivesItsTaskBackAtOnce() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process worker = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            BridgeWorkerProcess.class.getName(), String.valueOf(bridges.tcpPort()), "hostile-jobs")
            .redirectErrorStream(true).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> bridges.connections() == 1);
            long id = client.enqueue("hostile-jobs", null, Buffer.buffer("held by a process that dies"), 0, Map.of())
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream()));
            assertThat(out.readLine()).isEqualTo("HOLDING " + id);
            List<Task> received = new CopyOnWriteArrayList<>();
            registrations.add(client.work("hostile-jobs", 1, task -> {
                received.add(task);
                task.ack();
            }));
            long killedAt = System.nanoTime();
            worker.destroyForcibly(); // SIGKILL: no goodbye, the kernel closes the socket
            // ack-timeout is 60 s: the task comes back because the node saw the connection go, not by the timeout.
            await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
            assertThat(received.get(0).id()).isEqualTo(id);
            assertThat(received.get(0).deliveryCount()).isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> bridges.connections() == 0);
        } finally {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoStreamsOnOneConnectionBothFinishWhenTheClientReadsLate() throws Exception {
        serveChunks(200, new AtomicLong());
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.chunks");
            for (String r : List.of("s1", "s2")) {
                s.send("messaging.api.request", r, new JsonObject().put("exchange", "hostile-stream")
                    .put("message", "go").put("replyTo", "messaging.client.chunks"));
            }
            Thread.sleep(1500); // the client does not read for a while (well below the 4 s stall timeout)
            Map<String, Long> next = new HashMap<>();
            Map<String, Long> ended = new HashMap<>();
            while (ended.size() < 2) {
                JsonObject frame = s.read();
                if (!"messaging.client.chunks".equals(frame.getString("address"))) {
                    continue; // the replies to s1 and s2 (kind: stream)
                }
                JsonObject body = frame.getJsonObject("body");
                String stream = body.getString("stream");
                if (body.getBoolean("end", false)) {
                    ended.put(stream, body.getLong("chunks"));
                } else {
                    assertThat(body.getString("error")).isNull();
                    assertThat(body.getLong("seq")).isEqualTo(next.getOrDefault(stream, 0L));
                    next.put(stream, body.getLong("seq") + 1);
                }
            }
            assertThat(ended.values()).containsOnly(200L);
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffAndItsStreamStops() throws Exception {
        AtomicLong written = new AtomicLong();
        serveChunks(1_000_000, written);
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.socket().setReceiveBufferSize(64 * 1024);
            s.register("messaging.client.chunks");
            s.send("messaging.api.request", "s1", new JsonObject().put("exchange", "hostile-stream")
                .put("message", "go").put("replyTo", "messaging.client.chunks"));
            // The client never reads: past the stall timeout the node closes the connection.
            await().atMost(Duration.ofSeconds(15)).until(() -> bridges.connections() == 0);
        }
        long atClose = written.get();
        // Paced by the connection: what the socket holds (the kernel's send buffer, at most tcp_wmem's 4 MiB here,
        // and the write queue's high-water mark) and a few chunks more were produced, not the 16 GB asked for, however
        // far behind the connection's event loop runs (a loaded CI machine); and production stopped.
        assertThat(atClose * CHUNK).as("bytes the service produced").isLessThan(16L * 1024 * 1024);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> written.get() == atClose);
    }

    @Test
    void aConnectionWaitsForAtMostMaxInFlightAnswers() throws Exception {
        registrations.add(client.register("hostile-rpc", req -> { })); // holds every request until it times out
        await().until(() -> registrations.get(0).state() == Registration.State.ATTACHED);
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            for (int i = 0; i < 5; i++) {
                s.send("messaging.api.request", "q" + i, new JsonObject().put("exchange", "hostile-rpc")
                    .put("message", "x"));
            }
            JsonObject refused = s.reply("q4");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4003);
            assertThat(refused.getString("message")).contains("messaging.bridge.max-in-flight");
            for (int i = 0; i < 4; i++) {
                // The exchange's request-timeout (1 s), not any bridge timeout, ends them.
                assertThat(s.reply("q" + i).getInteger("failureCode")).isEqualTo(4005);
            }
        }
    }

    @Test
    void aTimedOutRequestLeavesTheRemoteServiceAndALateAnswerIsNotHeld() throws Exception {
        try (BridgeSocket service = new BridgeSocket(bridges.tcpPort());
             BridgeSocket caller = new BridgeSocket(bridges.tcpPort())) {
            service.register("messaging.client.svc");
            service.send("messaging.api.register", "r1", new JsonObject().put("exchange", "hostile-rpc")
                .put("role", "service").put("limit", 1).put("replyTo", "messaging.client.svc"));
            String party = service.reply("r1").getJsonObject("body").getString("party");
            caller.send("messaging.api.request", "c1", new JsonObject().put("exchange", "hostile-rpc")
                .put("message", "slow"));
            long item = service.readUntil(f -> "request".equals(f.getJsonObject("body", new JsonObject())
                .getString("kind"))).getJsonObject("body").getLong("item");
            assertThat(caller.reply("c1").getInteger("failureCode")).isEqualTo(4005);
            service.send("messaging.api.settle", "r2", new JsonObject().put("party", party).put("item", item)
                .put("action", "reply").put("message", "too late"));
            assertThat(service.reply("r2").getInteger("failureCode")).isEqualTo(4012);
            // The late request no longer counts against the service's limit of 1: the next one reaches it.
            caller.send("messaging.api.request", "c2", new JsonObject().put("exchange", "hostile-rpc")
                .put("message", "next"));
            JsonObject next = service.readUntil(f -> "request".equals(f.getJsonObject("body", new JsonObject())
                .getString("kind"))).getJsonObject("body");
            assertThat(next.getString("message")).isEqualTo("next");
            service.send("messaging.api.settle", "r3", new JsonObject().put("party", party)
                .put("item", next.getLong("item")).put("action", "reply").put("message", "in time"));
            assertThat(caller.reply("c2").getJsonObject("body").getString("message")).isEqualTo("in time");
        }
    }

    /** The same rules on the SockJS bridge, driven through its xhr transport (one session, frames as JSON text). */
    @Test
    void aSockJsSessionReceivesOnlyOnItsOwnAddressesAndItsFramesAreBounded() {
        String session = "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(io.restassured.RestAssured.given().post(session + "/xhr").then().statusCode(200).extract()
            .asString()).startsWith("o");
        sockJsSend(session, new JsonObject().put("type", "register").put("address", "messaging.client.me"));
        sockJsSend(session, new JsonObject().put("type", "send").put("address", "messaging.api.subscribe")
            .put("replyAddress", "r1").put("body", subscribe("messaging.client.not-mine")));
        JsonObject refused = sockJsRead(session);
        assertThat(refused.getString("type")).isEqualTo("err");
        assertThat(refused.getString("address")).isEqualTo("r1");
        assertThat(refused.getInteger("failureCode")).isEqualTo(4008);
        sockJsSend(session, new JsonObject().put("type", "send").put("address", "messaging.api.subscribe")
            .put("replyAddress", "r2").put("body", subscribe("messaging.client.me")));
        JsonObject subscribed = sockJsRead(session);
        assertThat(subscribed.getString("type")).isEqualTo("rec");
        assertThat(subscribed.getJsonObject("body").getString("subscription")).isNotNull();
        // A frame over messaging.bridge.max-frame-bytes: the error, then the session is closed.
        sockJsSend(session, new JsonObject().put("type", "send").put("address", "messaging.api.publish")
            .put("body", new JsonObject().put("message", "x".repeat(70_000))));
        JsonObject tooLarge = sockJsReadUntil(session, f -> "err".equals(f.getString("type")));
        assertThat(tooLarge.getString("body")).startsWith("frame_too_large:");
        await().atMost(Duration.ofSeconds(5)).until(() -> bridges.connections() == 0);
    }

    private static void sockJsSend(String session, JsonObject frame) {
        io.restassured.RestAssured.given().contentType("text/plain")
            .body(new io.vertx.core.json.JsonArray().add(frame.encode()).encode())
            .post(session + "/xhr_send").then().statusCode(204);
    }

    private static JsonObject sockJsRead(String session) {
        return sockJsReadUntil(session, f -> true);
    }

    /** Polls the session until a bridge frame matches (SockJS frames: o, h, a[...], c[...]). */
    private static JsonObject sockJsReadUntil(String session, java.util.function.Predicate<JsonObject> wanted) {
        for (int i = 0; i < 20; i++) {
            String frame = io.restassured.RestAssured.given().post(session + "/xhr").then().extract().asString().trim();
            if (frame.startsWith("a")) {
                for (Object text : new io.vertx.core.json.JsonArray(frame.substring(1))) {
                    JsonObject f = new JsonObject((String) text);
                    if (wanted.test(f)) {
                        return f;
                    }
                }
            }
        }
        throw new AssertionError("no matching frame on " + session);
    }

    /** A Java service on hostile-stream that streams {@code count} chunks of 16 KiB, paced by its credit. */
    private void serveChunks(int count, AtomicLong written) {
        Buffer chunk = Buffer.buffer("a".repeat(CHUNK));
        Registration r = client.register("hostile-stream", req -> {
            ChunkedResponse out = req.stream();
            AtomicInteger n = new AtomicInteger();
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                while (n.get() < count && !out.writeQueueFull() && !out.isFailed()) {
                    out.write(chunk);
                    n.incrementAndGet();
                    written.incrementAndGet();
                }
                if (n.get() == count) {
                    out.end();
                } else if (!out.isFailed()) {
                    out.drainHandler(v -> step[0].run());
                }
            };
            step[0].run();
        });
        registrations.add(r);
        await().until(() -> r.state() == Registration.State.ATTACHED);
    }

    private JsonObject subscribe(String replyTo) {
        return new JsonObject().put("exchange", "hostile-events").put("pattern", "#").put("replyTo", replyTo);
    }

    private int publish(String message) throws Exception {
        return client.publish("hostile-events", "a.b", Buffer.buffer(message)).toCompletionStage()
            .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
