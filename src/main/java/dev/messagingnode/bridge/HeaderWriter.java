package dev.messagingnode.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON header of a {@link BinaryFraming} frame as UTF-8 straight into the frame's buffer. A raw body
 * under {@code message} is written as the index of its segment and added to the segments; anything this writer does
 * not know (an object a frame should not hold) is left to Jackson.
 */
final class HeaderWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private HeaderWriter() {
    }

    static void object(Buffer out, Map<String, Object> map, List<Buffer> segments) {
        out.appendByte((byte) '{');
        boolean first = true;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (!first) {
                out.appendByte((byte) ',');
            }
            first = false;
            string(out, e.getKey());
            out.appendByte((byte) ':');
            Object value = e.getValue();
            if (value instanceof Buffer raw && "message".equals(e.getKey())) {
                segments.add(raw);
                out.appendString(Integer.toString(segments.size() - 1));
            } else {
                value(out, value, segments);
            }
        }
        out.appendByte((byte) '}');
    }

    @SuppressWarnings("unchecked")
    private static void value(Buffer out, Object value, List<Buffer> segments) {
        if (value == null) {
            out.appendString("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
            || value instanceof Byte || value instanceof Boolean) {
            out.appendString(value.toString());
        } else if (value instanceof JsonObject o) {
            object(out, o.getMap(), segments);
        } else if (value instanceof Map<?, ?> m) {
            object(out, (Map<String, Object>) m, segments);
        } else if (value instanceof JsonArray a) {
            array(out, a.getList(), segments);
        } else if (value instanceof List<?> l) {
            array(out, (List<Object>) l, segments);
        } else {
            out.appendString(Json.encode(value)); // doubles (Jackson's form), enums, base64 of a stray Buffer
        }
    }

    private static void array(Buffer out, List<Object> list, List<Buffer> segments) {
        out.appendByte((byte) '[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.appendByte((byte) ',');
            }
            value(out, list.get(i), segments);
        }
        out.appendByte((byte) ']');
    }

    /** A JSON string: ASCII byte by byte, escapes where JSON needs them, anything else as UTF-8. */
    private static void string(Buffer out, String s) {
        out.appendByte((byte) '"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.appendByte((byte) c);
            } else if (c == '"' || c == '\\') {
                out.appendByte((byte) '\\').appendByte((byte) c);
            } else if (c < 0x20 || c == 0x7f) {
                out.appendByte((byte) '\\').appendByte((byte) 'u').appendByte((byte) '0').appendByte((byte) '0')
                    .appendByte(HEX[c >> 4 & 0xf]).appendByte(HEX[c & 0xf]);
            } else {
                int end = i + 1;
                while (end < n && s.charAt(end) >= 0x80) {
                    end++;
                }
                out.appendBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        out.appendByte((byte) '"');
    }
}
