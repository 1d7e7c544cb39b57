package dev.messagingnode.remoteclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remote client's own JSON reader and writer (no library in the client jar). */
class JsonTest {

    @Test
    void readsTheNodesFramesWithKnownAndUnknownKeys() {
        Map<String, Object> frame = Json.parseObject("{\"type\":\"message\",\"address\":\"in-1\",\"send\":true,"
            + "\"body\":{\"exchange\":\"ev\",\"key\":\"a.b\",\"dropped\":0,\"message\":0,\"somethingNew\":[1,-2.5e3,null],"
            + "\"ke\":\"short\",\"keys\":\"longer\",\"t\\\"ag\":\"escaped key\",\"\":\"empty key\"}}");
        assertThat(frame).containsEntry("type", "message").containsEntry("address", "in-1").containsEntry("send", true);
        @SuppressWarnings("unchecked") Map<String, Object> body = (Map<String, Object>) frame.get("body");
        assertThat(body).containsEntry("exchange", "ev").containsEntry("key", "a.b").containsEntry("dropped", 0L)
            .containsEntry("message", 0L).containsEntry("ke", "short").containsEntry("keys", "longer")
            .containsEntry("t\"ag", "escaped key").containsEntry("", "empty key");
        assertThat(body.get("somethingNew")).isEqualTo(java.util.Arrays.asList(1L, -2500.0, null));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> value = Map.of("tab\t\"quote\"", List.of("é 漢字 \u0001", 42L, false), "n", 1.5);
        assertThat(Json.parseObject(Json.write(value))).isEqualTo(value);
    }

    @Test
    void readsStringsAndNumbersFromTheirBytes() {
        Map<String, Object> frame = Json.parseObject("{\"a\":\"plain\",\"b\":\"é 漢字 😀\",\"c\":\"x\\u00e9\\n\\\"y\\\\\","
            + "\"d\":-123456789012345678,\"e\":1234567890123456789,\"f\":-0,\"g\":[\"\\ud83d\\ude00\"], "
            + "\"type\" : \"message\"\n}");
        assertThat(frame).containsEntry("a", "plain").containsEntry("b", "é 漢字 😀").containsEntry("c", "xé\n\"y\\")
            .containsEntry("d", -123456789012345678L).containsEntry("e", 1234567890123456789L).containsEntry("f", 0L)
            .containsEntry("g", List.of("😀")).containsEntry("type", "message");
        byte[] framed = ("xx{\"key\":\"k\"}yy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Json.parseObject(framed, 2, framed.length - 2)).isEqualTo(Map.of("key", "k"));
    }

    @Test
    void refusesWhatIsNotOneObject() {
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("not one JSON object");
        assertThatThrownBy(() -> Json.parseObject("{\"type\":\"message\"")).hasMessageContaining("expected '}'");
        assertThatThrownBy(() -> Json.parseObject("{\"type")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":1} x")).hasMessageContaining("not one JSON object");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"))
            .hasMessageContaining("deeper than");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":1-2}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parseObject("{\"a\":tru}")).hasMessageContaining("unexpected JSON");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":\"x\\u00\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parseObject("{\"a\":\"x\\q\"}")).hasMessageContaining("bad escape");
    }
}
