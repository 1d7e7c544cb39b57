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
    void refusesWhatIsNotOneObject() {
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("not one JSON object");
        assertThatThrownBy(() -> Json.parseObject("{\"type\":\"message\"")).hasMessageContaining("expected '}'");
        assertThatThrownBy(() -> Json.parseObject("{\"type")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":1} x")).hasMessageContaining("not one JSON object");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"))
            .hasMessageContaining("deeper than");
    }
}
