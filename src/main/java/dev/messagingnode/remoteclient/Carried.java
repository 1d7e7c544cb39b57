package dev.messagingnode.remoteclient;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a reply and a work item both carry from the node: a body, its headers and tag. */
abstract class Carried {

    final Map<String, Object> body;

    Carried(Map<String, Object> body) {
        this.body = body;
    }

    /** The body (empty when the node sent none: a stream's reply, the end of a dialogue). */
    public byte[] message() {
        return Fields.message(body);
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(message(), StandardCharsets.UTF_8);
    }

    public Map<String, String> headers() {
        return Fields.headers(body);
    }

    public String tag() {
        return Fields.text(body, "tag");
    }
}
