package dev.messagingnode.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.pubsub.Subscription;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The TCP bridge's binary framing from its wire diagram alone (README, {@link BinaryFraming}): bytes written by
 * hand, the preface, raw bodies both ways, and every malformed frame refused with its reason.
 */
@QuarkusTest
class BinaryFramingTest {

    @Inject
    EventBusBridges bridges;

    @Inject
    MessagingClient client;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A socket that speaks the framing by hand. */
    private final class Binary implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", bridges.tcpPort());
        final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        final DataInputStream in = new DataInputStream(socket.getInputStream());

        Binary() throws IOException {
            socket.setSoTimeout(10_000);
        }

        byte[] preface(int version) throws IOException {
            out.write(new byte[] {'M', 'N', 'B', (byte) version});
            out.flush();
            byte[] answer = new byte[4];
            in.readFully(answer);
            return answer;
        }

        void frame(String header, byte[]... segments) throws IOException {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            DataOutputStream r = new DataOutputStream(rest);
            for (byte[] s : segments) {
                r.writeInt(s.length);
                r.write(s);
            }
            out.writeInt(4 + h.length + rest.size());
            out.writeInt(h.length);
            out.write(h);
            out.write(rest.toByteArray());
            out.flush();
        }

        /** The next frame: its header, and its segments after it. */
        Object[] read() throws IOException {
            int length = in.readInt();
            int h = in.readInt();
            byte[] header = new byte[h];
            in.readFully(header);
            List<byte[]> segments = new ArrayList<>();
            for (int left = length - 4 - h; left > 0; ) {
                byte[] s = new byte[in.readInt()];
                in.readFully(s);
                segments.add(s);
                left -= 4 + s.length;
            }
            return new Object[] {new JsonObject(new String(header, StandardCharsets.UTF_8)), segments};
        }

        boolean closedByNode() throws IOException {
            try {
                while (true) {
                    read();
                }
            } catch (java.io.EOFException | java.net.SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aRequestTravelsAsRawBytesBothWays() throws Exception {
        String name = unique("rpc");
        client.createExchange(ExchangeDefinition.of(name, "request-response")).toCompletionStage().toCompletableFuture()
            .join();
        Registration service = client.register(name, req -> req.reply(Buffer.buffer(new byte[] {(byte) 0xFF})
            .appendBuffer(req.message())));
        await().until(() -> service.state() == Registration.State.ATTACHED);
        try (Binary b = new Binary()) {
            assertThat(b.preface(7)).containsExactly('M', 'N', 'B', 1); // the highest version it speaks, up to 7
            b.frame("{\"type\":\"send\",\"address\":\"messaging.api.request\",\"replyAddress\":\"r1\",\"body\":{\"exchange\":\""
                + name + "\",\"message\":0}}", new byte[] {0, (byte) 0x80});
            Object[] reply = b.read();
            JsonObject header = (JsonObject) reply[0];
            assertThat(header.getString("address")).isEqualTo("r1");
            assertThat(header.getJsonObject("body").getInteger("message")).isEqualTo(0);
            assertThat(header.getJsonObject("body").containsKey("encoding")).isFalse();
            @SuppressWarnings("unchecked") List<byte[]> segments = (List<byte[]>) reply[1];
            assertThat(segments).hasSize(1);
            assertThat(segments.get(0)).containsExactly(0xFF, 0, 0x80);

            // Unknown header fields are ignored (the versioning rule); a failure is a header-only frame.
            b.frame("{\"type\":\"send\",\"address\":\"messaging.api.request\",\"replyAddress\":\"r2\",\"future\":1,"
                + "\"body\":{\"exchange\":\"" + unique("none") + "\",\"message\":0}}", new byte[0]);
            JsonObject refused = (JsonObject) b.read()[0];
            assertThat(refused.getString("type")).isEqualTo("err");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4001);
        } finally {
            service.unregister();
        }
    }

    @Test
    void malformedBinaryFramesAreRefusedWithTheirReasonAndTheConnectionClosed() throws Exception {
        String[][] cases = {
            {"{\"type\":\"ping\"}", "99", "names no segment"},
            {"[1,2]", "-", "must be a JSON object"},
            {"{not json", "-", "not JSON"},
        };
        for (String[] c : cases) {
            try (Binary b = new Binary()) {
                b.preface(1);
                String header = c[1].equals("99")
                    ? "{\"type\":\"send\",\"address\":\"messaging.api.publish\",\"body\":{\"message\":99}}" : c[0];
                b.frame(header);
                JsonObject err = (JsonObject) b.read()[0];
                assertThat(err.getString("type")).isEqualTo("err");
                assertThat(err.getString("message")).startsWith("invalid_frame").contains(c[2]);
                assertThat(b.closedByNode()).isTrue();
            }
        }
        // A header length past the frame's end.
        try (Binary b = new Binary()) {
            b.preface(1);
            b.out.writeInt(8);
            b.out.writeInt(1000);
            b.out.writeInt(0);
            b.out.flush();
            assertThat(((JsonObject) b.read()[0]).getString("message")).contains("does not fit");
            assertThat(b.closedByNode()).isTrue();
        }
        // A version the node does not speak: a stock JSON error frame, then the connection is closed.
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.writeBytes(new byte[] {'M', 'N', 'B', 0});
            assertThat(s.read().getString("message")).startsWith("unsupported_version");
            assertThat(s.closedByNode()).isTrue();
        }
    }

    @Test
    void theStockPublishFrameIsFireAndForgetAndOnlyBadInputComesBack() throws Exception {
        String name = unique("events");
        client.createExchange(ExchangeDefinition.of(name, "pubsub")).toCompletionStage().toCompletableFuture().join();
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription sub = client.subscribe(name, "a.*", null, got::add);
        sub.attached().toCompletionStage().toCompletableFuture().join();
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.write(new JsonObject().put("type", "publish").put("address", "messaging.api.publish")
                .put("body", new JsonObject().put("exchange", name).put("key", "a.b").put("message", "fire")));
            await().until(() -> got.size() == 1);
            assertThat(got.get(0).message().toString()).isEqualTo("fire");
            // No such exchange: dropped there, as a core NATS publish with no subscriber; nothing comes back.
            s.write(new JsonObject().put("type", "publish").put("address", "messaging.api.publish")
                .put("body", new JsonObject().put("exchange", unique("none")).put("key", "a.b").put("message", "x")));
            // A bad key is bad input: an error frame naming it, with the wire code.
            s.write(new JsonObject().put("type", "publish").put("address", "messaging.api.publish")
                .put("body", new JsonObject().put("exchange", name).put("key", "a..b").put("message", "x")));
            JsonObject err = s.read();
            assertThat(err.getString("type")).isEqualTo("err");
            assertThat(err.getInteger("failureCode")).isEqualTo(4008);
            assertThat(err.getString("sourceAddress")).isEqualTo("messaging.api.publish");
            s.write(new JsonObject().put("type", "ping"));
            assertThat(s.read().getString("type")).isEqualTo("pong"); // nothing came for the unknown exchange
        } finally {
            sub.unregister();
        }
    }
}
