package dev.messagingnode.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The binary framing of the TCP bridge: the stock frame's JSON without its bodies, and the bodies as raw bytes
 * beside it, so a 1 MiB body costs 1 MiB (not 1.4 MiB of base64, nor a UTF-8 check and a String each way). A client
 * asks for it with a 4-byte preface, {@code 'M' 'N' 'B' version}, as the first bytes of its connection; the node
 * answers with the same preface naming the version it will speak (the highest it knows that is not above the
 * client's), and from then on every frame both ways is:
 *
 * <pre>
 *  0               4               8                      8+H
 * +---------------+---------------+----------------------+----------------------------------------------+
 * | length u32 BE |   H  u32 BE   | header: H bytes of   | segments: zero or more of                    |
 * | (bytes after  |               | UTF-8 JSON, the stock| +-----------+---------------+                |
 * |  this field)  |               | frame                | | n u32 BE  | n bytes, raw  | ...            |
 * +---------------+---------------+----------------------+-+-----------+---------------+----------------+
 * </pre>
 *
 * In the header, a member {@code "message": i} (an integer) stands for segment {@code i}, counted from 0; no
 * {@code encoding} goes with it. The node writes such references wherever its frames carry a body (a sink batch has
 * one per message) and reads them where an operation takes one ({@code body.message}). Everything else is the stock protocol's JSON, field for field. The
 * outer length is the stock one, so {@code messaging.bridge.max-frame-bytes} bounds a binary frame the same way.
 *
 * <p><b>Versioning.</b> Within a version, either side may add header fields and the other ignores those it does
 * not know; the layout above, and the meaning of a segment reference, change only with a new version in the
 * preface. A node speaks every version since the previous release's, so a client and a node one release apart
 * always find one they share.
 */
final class BinaryFraming {

    /** The only version so far. */
    static final int VERSION = 1;
    private static final String MESSAGE = "message";

    private BinaryFraming() {
    }

    /** True when {@code bytes} (four of them) are a binary preface: 'M' 'N' 'B' and a version byte. */
    static boolean isPreface(Buffer bytes, int at) {
        return bytes.getByte(at) == 'M' && bytes.getByte(at + 1) == 'N' && bytes.getByte(at + 2) == 'B';
    }

    /** The version the node answers a client that offered {@code offered}: the highest it speaks, up to that. */
    static int versionFor(int offered) {
        return Math.min(offered, VERSION);
    }

    static Buffer preface(int version) {
        return Buffer.buffer(4).appendByte((byte) 'M').appendByte((byte) 'N').appendByte((byte) 'B')
            .appendByte((byte) version);
    }

    /**
     * One frame (what follows its length) as the stock JSON frame, each segment put back in place of its reference
     * as a raw {@link Buffer} (a slice of {@code frame}, no copy).
     */
    static JsonObject decode(Buffer frame) {
        if (frame.length() < 4) {
            throw new BadFrame("a binary frame starts with its header's length (4 bytes)");
        }
        long headerLength = frame.getUnsignedInt(0);
        if (headerLength == 0 || headerLength > frame.length() - 4) {
            throw new BadFrame("the header length " + headerLength + " does not fit in the frame's " + frame.length()
                + " bytes");
        }
        int end = 4 + (int) headerLength;
        List<Buffer> segments = new ArrayList<>();
        for (int at = end; at < frame.length(); ) {
            if (frame.length() - at < 4) {
                throw new BadFrame("a segment starts with its length (4 bytes); " + (frame.length() - at) + " left");
            }
            long n = frame.getUnsignedInt(at);
            if (n > frame.length() - at - 4) {
                throw new BadFrame("segment " + segments.size() + " says " + n + " bytes; " + (frame.length() - at - 4)
                    + " are left");
            }
            segments.add(frame.slice(at + 4, at + 4 + (int) n));
            at += 4 + (int) n;
        }
        Object header;
        try {
            header = Json.decodeValue(frame.slice(4, end));
        } catch (DecodeException e) {
            throw new BadFrame("the header is not JSON: " + e.getMessage());
        }
        if (!(header instanceof JsonObject json)) {
            throw new BadFrame("the header must be a JSON object");
        }
        resolve(json, segments);
        return json;
    }

    /**
     * The frame's bytes (its length included): raw bodies become segments, the rest the JSON header, written in one
     * pass ({@link HeaderWriter}). Jackson's tree serializer (via {@code JsonObject.encode}), a String and
     * its UTF-8 copy were a fifth of the node's CPU under pub-sub fan-out (JFR); frames hold only strings, numbers,
     * booleans, objects, arrays and raw bodies, which {@link HeaderWriter} writes itself.
     */
    static Buffer encode(JsonObject frame) {
        return HeaderWriter.frame(frame.getMap());
    }

    /**
     * Puts segments back where the node reads a body from a client: {@code body.message} (no operation takes a body
     * anywhere else). A reference that names no segment is a bad frame.
     */
    private static void resolve(JsonObject frame, List<Buffer> segments) {
        Object b = frame.getMap().get("body");
        @SuppressWarnings("unchecked") Map<String, Object> body = b instanceof JsonObject j ? j.getMap()
            : b instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        if (body == null) {
            return;
        }
        Object value = body.get(MESSAGE);
        if (value instanceof Number n) {
            int i = n.intValue();
            if (n.doubleValue() != i || i < 0 || i >= segments.size()) {
                throw new BadFrame("'message': " + n + " names no segment; the frame has " + segments.size());
            }
            body.put(MESSAGE, segments.get(i));
        }
    }

    /** A binary frame whose layout is wrong: a protocol error, fatal like unreadable JSON. */
    static final class BadFrame extends RuntimeException {
        BadFrame(String message) {
            super(message, null, false, false);
        }
    }
}
