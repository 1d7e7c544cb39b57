package dev.messagingnode.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.tasks.Task;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The TCP event bus bridge driven from a plain socket with its wire protocol, for every pattern. */
@QuarkusTest
class TcpBridgeTest {

    @Inject
    EventBusBridges bridges;

    @Inject
    MessagingClient client;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void create(String name, String pattern) {
        client.createExchange(ExchangeDefinition.of(name, pattern)).toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void requestsGetRepliesAndRefusalsCarryTheFailureCode() throws Exception {
        String name = unique("rpc");
        create(name, "request-response");
        Registration service = client.register(name, req -> req.reply(Buffer.buffer("re:").appendBuffer(req.message())));
        await().until(() -> service.state() == Registration.State.ATTACHED);
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.send("messaging.api.request", "r1", new JsonObject().put("exchange", name).put("tag", "t-1")
                .put("message", "hello"));
            JsonObject reply = s.reply("r1");
            assertThat(reply.getString("type")).isEqualTo("message");
            assertThat(reply.getJsonObject("body").getString("message")).isEqualTo("re:hello");
            assertThat(reply.getJsonObject("body").getString("tag")).isEqualTo("t-1");
            assertThat(reply.getJsonObject("body").getString("kind")).isEqualTo("message");

            s.send("messaging.api.request", "r2", new JsonObject().put("exchange", unique("none")).put("message", "x"));
            JsonObject refused = s.reply("r2");
            assertThat(refused.getString("type")).isEqualTo("err");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4001);
            assertThat(refused.getString("message")).contains("no exchange named");

            s.send("messaging.api.request", "r3", new JsonObject().put("exchange", name));
            assertThat(s.reply("r3").getInteger("failureCode")).isEqualTo(4008);

            // Binary bodies travel as base64 both ways.
            s.send("messaging.api.request", "r4", new JsonObject().put("exchange", name).put("message", "/w==")
                .put("encoding", "base64"));
            JsonObject binary = s.reply("r4").getJsonObject("body");
            assertThat(binary.getString("encoding")).isEqualTo("base64");
            assertThat(java.util.Base64.getDecoder().decode(binary.getString("message")))
                .containsExactly('r', 'e', ':', (byte) 0xFF);
        } finally {
            service.unregister();
        }
    }

    @Test
    void onlyPermittedAddressesAreReachable() throws Exception {
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.send("messaging.admin", "r1", new JsonObject());
            JsonObject denied = s.read();
            assertThat(denied.getString("type")).isEqualTo("err");
            assertThat(denied.getString("address")).isEqualTo("r1");
            assertThat(denied.getString("message")).startsWith("access_denied");
            s.register("messaging.x.anything");
            assertThat(s.read().getString("message")).startsWith("access_denied");
            // A frame that is not JSON: an error frame naming it, then the connection is closed.
            s.writeRaw("{not json".getBytes());
            assertThat(s.read().getString("message")).startsWith("invalid_json: the frame is not JSON");
            org.assertj.core.api.Assertions.assertThatThrownBy(s::read).isInstanceOf(java.io.IOException.class);
        }
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.send("messaging.api.publish", "r2", new JsonObject().put("exchange", "x").put("key", "a.*")
                .put("message", "m"));
            assertThat(s.reply("r2").getInteger("failureCode")).isEqualTo(4008);
        }
    }

    @Test
    void aSubscriberGetsPublishesAtItsOwnAddress() throws Exception {
        String name = unique("events");
        create(name, "pubsub");
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.me");
            s.send("messaging.api.subscribe", "r1", new JsonObject().put("exchange", name).put("pattern", "a.#")
                .put("tag", "sub").put("replyTo", "messaging.client.me"));
            String subscription = s.reply("r1").getJsonObject("body").getString("subscription");
            assertThat(client.publish(name, "a.b.c", Buffer.buffer("{\"x\":1}")).toCompletionStage()
                .toCompletableFuture().join()).isEqualTo(1);
            JsonObject delivery = s.readUntil(f -> f.getJsonObject("body", new JsonObject()).containsKey("key"))
                .getJsonObject("body");
            assertThat(delivery.getString("key")).isEqualTo("a.b.c");
            assertThat(delivery.getString("tag")).isEqualTo("sub");
            assertThat(delivery.getString("subscription")).isEqualTo(subscription);
            assertThat(delivery.getString("message")).isEqualTo("{\"x\":1}");
            s.send("messaging.api.unsubscribe", "r2", new JsonObject().put("subscription", subscription));
            assertThat(s.reply("r2").getString("type")).isEqualTo("message");
            assertThat(client.publish(name, "a.b", Buffer.buffer("y")).toCompletionStage().toCompletableFuture()
                .join()).isZero();
        }
    }

    @Test
    void aBridgeWorkerThatDisconnectsHasItsTaskRedelivered() throws Exception {
        String name = unique("jobs");
        create(name, "tasks");
        List<Task> received = new CopyOnWriteArrayList<>();
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.worker");
            s.send("messaging.api.register", "r1", new JsonObject().put("exchange", name).put("role", "worker")
                .put("prefetch", 1).put("replyTo", "messaging.client.worker"));
            String party = s.reply("r1").getJsonObject("body").getString("party");
            s.send("messaging.api.enqueue", "r2", new JsonObject().put("exchange", name).put("message", "first")
                .put("priority", 5));
            s.send("messaging.api.enqueue", "r3", new JsonObject().put("exchange", name).put("message", "second"));
            JsonObject item = s.readUntil(f -> "task".equals(f.getJsonObject("body", new JsonObject())
                .getString("kind"))).getJsonObject("body");
            assertThat(item.getString("message")).isEqualTo("first");
            assertThat(item.getInteger("priority")).isEqualTo(5);
            s.send("messaging.api.settle", "r4", new JsonObject().put("party", party)
                .put("item", item.getLong("item")).put("action", "ack"));
            List<JsonObject> ackAndNext = s.readAll(BridgeSocket.replyTo("r4"), f -> "task".equals(
                f.getJsonObject("body", new JsonObject()).getString("kind")));
            assertThat(ackAndNext.get(0).getString("type")).isEqualTo("message");
            JsonObject next = ackAndNext.get(1).getJsonObject("body");
            assertThat(next.getString("message")).isEqualTo("second");
            // A second ack of the first item is refused: it is no longer held.
            s.send("messaging.api.settle", "r5", new JsonObject().put("party", party)
                .put("item", item.getLong("item")).put("action", "ack"));
            assertThat(s.reply("r5").getInteger("failureCode")).isEqualTo(4012);
            // The connection drops with "second" unacknowledged.
        }
        Registration javaWorker = client.work(name, 1, task -> {
            received.add(task);
            task.ack();
        });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            assertThat(received.get(0).message().toString()).isEqualTo("second");
            assertThat(received.get(0).deliveryCount()).isEqualTo(2);
        } finally {
            javaWorker.unregister();
        }
    }

    @Test
    void aBridgeServiceAnswersAndItsChunkedRepliesStreamToTheClient() throws Exception {
        String name = unique("svc");
        create(name, "request-response");
        try (BridgeSocket service = new BridgeSocket(bridges.tcpPort());
             BridgeSocket caller = new BridgeSocket(bridges.tcpPort())) {
            service.register("messaging.client.svc");
            service.send("messaging.api.register", "r1", new JsonObject().put("exchange", name).put("role", "service")
                .put("replyTo", "messaging.client.svc"));
            String party = service.reply("r1").getJsonObject("body").getString("party");
            caller.send("messaging.api.request", "c1", new JsonObject().put("exchange", name).put("tag", "q")
                .put("message", "ping"));
            JsonObject item = service.readUntil(f -> "request".equals(f.getJsonObject("body", new JsonObject())
                .getString("kind"))).getJsonObject("body");
            assertThat(item.getString("message")).isEqualTo("ping");
            service.send("messaging.api.settle", "r2", new JsonObject().put("party", party)
                .put("item", item.getLong("item")).put("action", "reply").put("message", "pong"));
            JsonObject reply = caller.reply("c1").getJsonObject("body");
            assertThat(reply.getString("message")).isEqualTo("pong");
            assertThat(reply.getString("tag")).isEqualTo("q");
        }
        // A Java service that streams: the bridge client receives the chunks at its replyTo address, in order.
        String streaming = unique("stream");
        create(streaming, "request-response");
        Registration chunks = client.register(streaming, req -> {
            var out = req.stream();
            out.write(Buffer.buffer("a"));
            out.write(Buffer.buffer("b"));
            out.end();
        });
        await().until(() -> chunks.state() == Registration.State.ATTACHED);
        try (BridgeSocket caller = new BridgeSocket(bridges.tcpPort())) {
            caller.register("messaging.client.chunks");
            caller.send("messaging.api.request", "c1", new JsonObject().put("exchange", streaming).put("message", "go")
                .put("replyTo", "messaging.client.chunks"));
            StringBuilder got = new StringBuilder();
            JsonObject end = caller.readUntil(f -> {
                JsonObject b = f.getJsonObject("body", new JsonObject());
                if (b.containsKey("seq")) {
                    got.append(b.getString("message"));
                }
                return b.getBoolean("end", false);
            });
            assertThat(got.toString()).isEqualTo("ab");
            assertThat(end.getJsonObject("body").getLong("chunks")).isEqualTo(2);
        } finally {
            chunks.unregister();
        }
    }
}
