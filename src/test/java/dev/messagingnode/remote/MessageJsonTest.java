package dev.messagingnode.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies in JSON: text when valid UTF-8 (ASCII fast path included), base64 otherwise, and back unchanged. */
class MessageJsonTest {

    private static Buffer roundTrip(Buffer body) {
        return MessageJson.message(new JsonObject(MessageJson.put(new JsonObject(), body).encode()));
    }

    @Test
    void asciiUtf8AndBinaryBodiesSurviveTheTripThroughJson() {
        JsonObject ascii = MessageJson.put(new JsonObject(), Buffer.buffer("plain ascii {\"x\":1}"));
        assertThat(ascii.getString("message")).isEqualTo("plain ascii {\"x\":1}");
        assertThat(ascii.containsKey("encoding")).isFalse();

        Buffer utf8 = Buffer.buffer("naïve – ünïcödé ✓", "UTF-8");
        JsonObject text = MessageJson.put(new JsonObject(), utf8);
        assertThat(text.getString("message")).isEqualTo("naïve – ünïcödé ✓");
        assertThat(roundTrip(utf8)).isEqualTo(utf8);

        Buffer binary = Buffer.buffer(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0});
        JsonObject encoded = MessageJson.put(new JsonObject(), binary);
        assertThat(encoded.getString("encoding")).isEqualTo("base64");
        assertThat(roundTrip(binary)).isEqualTo(binary);

        Buffer big = Buffer.buffer("x".repeat(1 << 20));
        assertThat(roundTrip(big).getBytes()).isEqualTo("x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void jsonValuesAreTakenAsTheirTextAndBadBase64IsRefused() {
        assertThat(MessageJson.message(new JsonObject().put("message", new JsonObject().put("id", 7))).toString())
            .isEqualTo("{\"id\":7}");
        assertThat(MessageJson.message(new JsonObject().put("message", 42)).toString()).isEqualTo("42");
        assertThatThrownBy(() -> MessageJson.message(new JsonObject().put("message", "%%%").put("encoding", "base64")))
            .hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> MessageJson.message(new JsonObject())).hasMessageContaining("no 'message'");
    }

    /**
     * A reply or work item gets its envelope's fields put into it, in the order and with the raw body a separate
     * envelope object merged into it had: the frames a client reads are unchanged.
     */
    @Test
    void anEnvelopePutIntoAFrameIsTheEnvelopeObjectMergedIn() {
        Buffer body = Buffer.buffer("hi");
        dev.messagingnode.exchange.Envelope withAll = new dev.messagingnode.exchange.Envelope("x", "t", body,
            java.util.Map.of("k", "v"));
        dev.messagingnode.exchange.Envelope bare = new dev.messagingnode.exchange.Envelope("x", null, body,
            java.util.Map.of());
        for (dev.messagingnode.exchange.Envelope e : java.util.List.of(withAll, bare)) {
            JsonObject merged = new JsonObject().put("kind", "message").mergeIn(MessageJson.rawEnvelope(e));
            JsonObject put = MessageJson.putRawEnvelope(new JsonObject().put("kind", "message"), e);
            assertThat(put.fieldNames()).containsExactlyElementsOf(merged.fieldNames());
            assertThat(put.getMap()).isEqualTo(merged.getMap());
            assertThat(put.getMap().get(MessageJson.MESSAGE)).as("the body itself, raw").isSameAs(body);
        }
    }
}
