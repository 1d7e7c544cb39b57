package dev.messagingnode.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Server-sent events framing (one JSON object per event, so data never spans lines). */
final class Sse {

    private Sse() {
    }

    static Buffer event(String name, String id, JsonObject data) {
        StringBuilder sb = new StringBuilder(64);
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n').append("data: ").append(data.encode()).append("\n\n");
        return Buffer.buffer(sb.toString());
    }

    static Buffer comment(String text) {
        return Buffer.buffer(": " + text + "\n\n");
    }
}
