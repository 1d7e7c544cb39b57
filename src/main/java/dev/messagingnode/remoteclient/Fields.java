package dev.messagingnode.remoteclient;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading the fields of a frame's body as the node writes them. */
final class Fields {

    private static final byte[] NONE = new byte[0];

    private Fields() {
    }

    static String text(Map<String, Object> body, String field) {
        Object v = body.get(field);
        return v == null ? null : String.valueOf(v);
    }

    static long number(Map<String, Object> body, String field, long otherwise) {
        return body.get(field) instanceof Number n ? n.longValue() : otherwise;
    }

    static boolean flag(Map<String, Object> body, String field) {
        return Boolean.TRUE.equals(body.get(field));
    }

    static byte[] message(Map<String, Object> body) {
        Object v = body.get("message");
        if (v instanceof byte[] raw) {
            return raw;
        }
        return v == null ? NONE : String.valueOf(v).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Map<String, String> headers(Map<String, Object> body) {
        if (!(body.get("headers") instanceof Map<?, ?> h) || h.isEmpty()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        h.forEach((k, v) -> headers.put(String.valueOf(k), String.valueOf(v)));
        return headers;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
