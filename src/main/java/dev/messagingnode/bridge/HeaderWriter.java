package dev.messagingnode.bridge;

import dev.messagingnode.exchange.Envelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON header of a {@link BinaryFraming} frame as UTF-8 into a plain byte array, which the frame then
 * copies once. A raw body under {@code message} is written as the index of its segment and added to the segments;
 * anything this writer does not know (an object a frame should not hold) is left to Jackson.
 *
 * <p>Why a byte array and not the frame's buffer: a byte appended to a Vert.x buffer goes through Netty's bounds,
 * capacity and reference checks, and under pub-sub fan-out those byte-by-byte writes were a fifth of the node's CPU
 * (JFR, 1 ms sampling). One writer per event-loop thread is reused, frame after frame; one grown past
 * {@link #KEPT_CAPACITY} by an unusual frame is dropped after it, so a thread keeps no large array.
 */
final class HeaderWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final int KEPT_CAPACITY = 16 * 1024;
    /** Segments this long or longer are not copied into their frame (see {@link #finish}). */
    static final int SHARED_SEGMENT_BYTES = 64 * 1024;
    private static final String MESSAGE = "message";
    /** A delivery's member names with their punctuation, written as they are ({@link #delivery}). */
    private static final byte[] EXCHANGE_MEMBER = ascii("\"exchange\":");
    private static final byte[] TAG_MEMBER = ascii(",\"tag\":");
    private static final byte[] HEADERS_MEMBER = ascii(",\"headers\":");
    private static final byte[] KEY_MEMBER = ascii(",\"key\":");
    private static final byte[] DROPPED_MEMBER = ascii(",\"dropped\":");
    /** The body as segment 0, the end of the body and of the frame. */
    private static final byte[] FIRST_SEGMENT_AND_END = ascii(",\"message\":0}}");
    private static final ThreadLocal<HeaderWriter> PER_THREAD = ThreadLocal.withInitial(HeaderWriter::new);
    /** 10^0 … 10^18: a number v has d digits when 10^(d-1) ≤ v < 10^d. */
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private byte[] bytes = new byte[512];
    private int length;
    private final List<Buffer> segments = new ArrayList<>(4);

    private HeaderWriter() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The frame: {@code length u32 | H u32 | H bytes of header | (n u32 | n bytes)*} for the header written from
     * {@code map} and the raw bodies it holds, in one buffer of the exact size.
     */
    static Buffer frame(Map<String, Object> map) {
        HeaderWriter w = PER_THREAD.get();
        w.length = 0;
        try {
            w.object(map);
            return w.finish();
        } finally {
            w.done();
        }
    }

    /**
     * The start of a push frame's header up to its body's first member, {@code {"type":…,"address":…,"send":true,
     * "body":{"subscription":…,} for the members that never change from one delivery of a subscription to the next:
     * written once per subscription, so a delivery writes only its own members ({@link #delivery}).
     */
    static byte[] pushPrefix(String type, String address, String subscription) {
        HeaderWriter w = new HeaderWriter();
        w.put((byte) '{');
        w.member("type").string(type);
        w.put((byte) ',');
        w.member("address").string(address);
        w.put((byte) ',');
        w.member("send").put(TRUE);
        w.put((byte) ',');
        w.member("body").put((byte) '{');
        w.member("subscription").string(subscription);
        w.put((byte) ',');
        return Arrays.copyOf(w.bytes, w.length);
    }

    /**
     * A subscription delivery's frame: {@code prefix} ({@link #pushPrefix}), then the envelope's members, the key and
     * the drop count, the body as segment 0. The same header, member for member, as the delivery's JSON frame.
     */
    static Buffer delivery(byte[] prefix, Envelope envelope, String key, long dropped) {
        HeaderWriter w = PER_THREAD.get();
        w.length = 0;
        try {
            w.put(prefix);
            w.put(EXCHANGE_MEMBER);
            w.string(envelope.exchange());
            if (envelope.tag() != null) {
                w.put(TAG_MEMBER);
                w.string(envelope.tag());
            }
            if (!envelope.headers().isEmpty()) {
                w.put(HEADERS_MEMBER);
                @SuppressWarnings({"unchecked", "rawtypes"}) Map<String, Object> headers = (Map) envelope.headers();
                w.object(headers);
            }
            w.put(KEY_MEMBER);
            w.value(key);
            w.put(DROPPED_MEMBER);
            w.decimal(dropped);
            w.put(FIRST_SEGMENT_AND_END);
            w.segments.add(envelope.message());
            return w.finish();
        } finally {
            w.done();
        }
    }

    /**
     * The frame around the header written so far and its segments, in one buffer of the exact size; or, where a
     * segment is {@link #SHARED_SEGMENT_BYTES} or more (a chunk), the header's bytes and the segments' own bytes side
     * by side in one composite buffer, the same bytes without copying the body once more (a zeroed 1 MiB array and a
     * copy per chunk, 12 % of the event loop that streamed chunks to the bridge).
     */
    private Buffer finish() {
        int total = 8 + length;
        boolean large = false;
        for (Buffer s : segments) {
            total += 4 + s.length();
            large |= s.length() >= SHARED_SEGMENT_BYTES;
        }
        if (large) {
            return shared(total);
        }
        Buffer out = Buffer.buffer(total).appendInt(total - 4).appendInt(length).appendBytes(bytes, 0, length);
        for (Buffer s : segments) {
            out.appendInt(s.length()).appendBuffer(s);
        }
        return out;
    }

    private Buffer shared(int total) {
        io.netty.buffer.ByteBuf[] parts = new io.netty.buffer.ByteBuf[2 * segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            Buffer s = segments.get(i);
            // Before each body its length; before the first, the frame's length and its header too.
            Buffer head = i == 0
                ? Buffer.buffer(12 + length).appendInt(total - 4).appendInt(length).appendBytes(bytes, 0, length)
                : Buffer.buffer(4);
            parts[2 * i] = head.appendInt(s.length()).getByteBuf();
            parts[2 * i + 1] = s.getByteBuf();
        }
        return Buffer.buffer(io.netty.buffer.Unpooled.wrappedBuffer(parts));
    }

    private void done() {
        segments.clear(); // empty for the next frame, and no body stays reachable from the thread
        if (bytes.length > KEPT_CAPACITY) {
            PER_THREAD.remove();
        }
    }

    /** A member's name and its colon. */
    private HeaderWriter member(String name) {
        string(name);
        put((byte) ':');
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
    }

    /** An integer in decimal, written digit by digit from the end (no String on the way). */
    private void decimal(long v) {
        if (v == Long.MIN_VALUE) {
            put(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        ensure(20);
        if (v < 0) {
            bytes[length++] = '-';
            v = -v;
        }
        int digits = 1;
        while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) {
            digits++;
        }
        for (int at = length + digits - 1; at >= length; at--) {
            bytes[at] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
    }

    private void object(Map<String, Object> map) {
        put((byte) '{');
        boolean first = true;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (!first) {
                put((byte) ',');
            }
            first = false;
            string(e.getKey());
            put((byte) ':');
            Object value = e.getValue();
            if (value instanceof Buffer raw && MESSAGE.equals(e.getKey())) {
                segments.add(raw);
                decimal(segments.size() - 1);
            } else {
                value(value);
            }
        }
        put((byte) '}');
    }

    @SuppressWarnings("unchecked")
    private void value(Object value) {
        if (value == null) {
            put(NULL);
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Integer i) {
            decimal(i);
        } else if (value instanceof Long l) {
            decimal(l);
        } else if (value instanceof Boolean b) {
            put(b ? TRUE : FALSE);
        } else if (value instanceof Short || value instanceof Byte) {
            decimal(((Number) value).longValue());
        } else if (value instanceof JsonObject o) {
            object(o.getMap());
        } else if (value instanceof Map<?, ?> m) {
            object((Map<String, Object>) m);
        } else if (value instanceof JsonArray a) {
            array(a.getList());
        } else if (value instanceof List<?> l) {
            array((List<Object>) l);
        } else {
            put(Json.encode(value).getBytes(StandardCharsets.UTF_8)); // doubles (Jackson's form), enums, a stray Buffer
        }
    }

    private void array(List<Object> list) {
        put((byte) '[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                put((byte) ',');
            }
            value(list.get(i));
        }
        put((byte) ']');
    }

    /** A JSON string: ASCII as it is, escapes where JSON needs them, anything else as UTF-8. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): each char's low byte, right for ASCII
    private void string(String s) {
        int n = s.length();
        ensure(n + 2);
        bytes[length++] = '"';
        int plain = 0;
        while (plain < n && plainAscii(s.charAt(plain))) {
            plain++;
        }
        s.getBytes(0, plain, bytes, length); // addresses, names and keys are plain ASCII: one copy
        length += plain;
        for (int i = plain; i < n; i++) {
            char c = s.charAt(i);
            if (plainAscii(c)) {
                ensure(1);
                bytes[length++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                put((byte) '\\');
                put((byte) c);
            } else if (c < 0x20 || c == 0x7f) {
                ensure(6);
                bytes[length++] = '\\';
                bytes[length++] = 'u';
                bytes[length++] = '0';
                bytes[length++] = '0';
                bytes[length++] = HEX[c >> 4 & 0xf];
                bytes[length++] = HEX[c & 0xf];
            } else {
                int end = i + 1;
                while (end < n && s.charAt(end) >= 0x80) {
                    end++;
                }
                put(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        put((byte) '"');
    }

    /** A char JSON takes as it is, one byte in UTF-8. */
    private static boolean plainAscii(char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }
}
