package dev.messagingnode.remoteclient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the binary framing's headers, written and read without a library: the client jar has no dependency,
 * so a program that uses it pulls in nothing (jnats does the same with its own small parser). Objects are
 * {@code Map<String, Object>}, arrays {@code List<Object>}, numbers {@code Long} or {@code Double}. Headers are
 * small and come from the node; the reader still refuses nesting deeper than {@link #MAX_DEPTH}.
 *
 * <p>The reader works on the header's UTF-8 bytes as they came off the socket: no String of the whole header, a
 * string value decoded once from its bytes, a known key matched in place. Under pub-sub fan-out the client's reader
 * thread is what limits a subscriber connection (JFR: four fifths of it in this parser when it read a String).
 */
final class Json {

    static final int MAX_DEPTH = 32;

    private final byte[] bytes;
    private final int end;
    private int at;

    private Json(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.at = from;
        this.end = to;
    }

    static Map<String, Object> parseObject(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return parseObject(utf8, 0, utf8.length);
    }

    /** The object in {@code bytes[from, to)}, UTF-8. */
    static Map<String, Object> parseObject(byte[] bytes, int from, int to) {
        Json json = new Json(bytes, from, to);
        json.skipSpace();
        Object value = json.value(0);
        json.skipSpace();
        if (json.at != to || !(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not one JSON object");
        }
        @SuppressWarnings("unchecked") Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    static String write(Object value) {
        Writer w = new Writer();
        w.value(value);
        return new String(w.bytes, 0, w.length, StandardCharsets.UTF_8);
    }

    /**
     * Writes JSON as UTF-8 into a byte array it keeps from frame to frame (a {@link Link} has one, used under its
     * write lock), so a frame's header costs no StringBuilder, no String and no copy of the frame's maps. A
     * {@code byte[]} under a {@code message} key becomes the index of a segment, added to {@link #segments}.
     */
    static final class Writer {
        private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        /** A writer grown past this by an unusual frame drops its array after it. */
        private static final int KEPT_CAPACITY = 16 * 1024;

        private byte[] bytes = new byte[256];
        private int length;
        final List<byte[]> segments = new ArrayList<>(2);

        /** Empties the writer for the next frame. */
        void reset() {
            length = 0;
            segments.clear();
            if (bytes.length > KEPT_CAPACITY) {
                bytes = new byte[256];
            }
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }

        void value(Object value) {
            if (value == null) {
                put(NULL);
            } else if (value instanceof String s) {
                string(s);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
                decimal(((Number) value).longValue());
            } else if (value instanceof Number || value instanceof Boolean) {
                put(value.toString().getBytes(StandardCharsets.US_ASCII));
            } else if (value instanceof Map<?, ?> map) {
                put((byte) '{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        put((byte) ',');
                    }
                    first = false;
                    String key = String.valueOf(e.getKey());
                    string(key);
                    put((byte) ':');
                    if (e.getValue() instanceof byte[] raw && "message".equals(key)) {
                        segments.add(raw);
                        decimal(segments.size() - 1);
                    } else {
                        value(e.getValue());
                    }
                }
                put((byte) '}');
            } else if (value instanceof List<?> list) {
                put((byte) '[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        put((byte) ',');
                    }
                    value(list.get(i));
                }
                put((byte) ']');
            } else {
                throw new IllegalArgumentException("no JSON for " + value.getClass().getName());
            }
        }

        private void string(String s) {
            int n = s.length();
            ensure(n + 2);
            bytes[length++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    ensure(1);
                    bytes[length++] = (byte) c;
                } else if (c == '"' || c == '\\') {
                    put((byte) '\\');
                    put((byte) c);
                } else if (c < 0x20) {
                    ensure(6);
                    bytes[length++] = '\\';
                    bytes[length++] = 'u';
                    bytes[length++] = '0';
                    bytes[length++] = '0';
                    bytes[length++] = HEX[c >> 4];
                    bytes[length++] = HEX[c & 0xf];
                } else {
                    int to = i + 1;
                    while (to < n && s.charAt(to) >= 0x80) {
                        to++;
                    }
                    put(s.substring(i, to).getBytes(StandardCharsets.UTF_8)); // a surrogate pair stays whole
                    i = to - 1;
                }
            }
            put((byte) '"');
        }

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
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            for (int i = length + digits - 1; i >= length; i--) {
                bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            length += digits;
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

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH);
        }
        if (at >= end) {
            throw new IllegalArgumentException("JSON ends early");
        }
        switch (bytes[at]) {
            case '{' -> {
                at++;
                Map<String, Object> map = new HashMap<>();
                skipSpace();
                if (peek('}')) {
                    return map;
                }
                do {
                    skipSpace();
                    if (at >= end || bytes[at] != '"') {
                        throw new IllegalArgumentException("a JSON object's key must be a string at " + at);
                    }
                    String key = key();
                    skipSpace();
                    expect(':');
                    skipSpace();
                    map.put(key, value(depth + 1));
                    skipSpace();
                } while (peek(','));
                expect('}');
                return map;
            }
            case '[' -> {
                at++;
                List<Object> list = new ArrayList<>();
                skipSpace();
                if (peek(']')) {
                    return list;
                }
                do {
                    skipSpace();
                    list.add(value(depth + 1));
                    skipSpace();
                } while (peek(','));
                expect(']');
                return list;
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                literal(TRUE);
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal(FALSE);
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal(NULL);
                return null;
            }
            default -> {
                return number();
            }
        }
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /**
     * An object's key: one of the node's usual field names is matched in place against the known ones of its length
     * and returned as that constant (its hash computed once); any other key is decoded as a string. A new key
     * string hashed for every field of every frame was a sixth of a subscriber's CPU, and a scan of every known key
     * with {@code startsWith} a fifth (JFR).
     */
    private String key() {
        int start = at + 1;
        int close = start;
        while (close < end && bytes[close] != '"' && bytes[close] != '\\') {
            close++;
        }
        int length = close - start;
        if (close < end && bytes[close] == '"' && length < KNOWN_BY_LENGTH.length) {
            for (String known : KNOWN_BY_LENGTH[length]) {
                if (sameAscii(start, known)) {
                    at = close + 1;
                    return known;
                }
            }
        }
        return string();
    }

    /** True when the bytes from {@code start} are {@code ascii}'s characters (its length already matched). */
    private boolean sameAscii(int start, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (bytes[start + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final String[] KNOWN_KEYS = {"type", "address", "body", "message", "send", "headers", "exchange",
        "tag", "subscription", "key", "dropped", "item", "kind", "stream", "replyAddress", "messages", "party",
        "taskId", "priority", "deliveryCount", "redelivered", "failureCode", "failureType", "end", "dialogue"};
    /** The known keys (all ASCII) by their length. */
    private static final String[][] KNOWN_BY_LENGTH = new String[1 + Arrays.stream(KNOWN_KEYS)
        .mapToInt(String::length).max().orElse(0)][];

    static {
        for (int n = 0; n < KNOWN_BY_LENGTH.length; n++) {
            int length = n;
            KNOWN_BY_LENGTH[n] = Arrays.stream(KNOWN_KEYS).filter(k -> k.length() == length).toArray(String[]::new);
        }
    }

    /**
     * A string value: its bytes decoded once. Escapes (the node writes them only for quotes, backslashes and control
     * characters) take the slow way.
     */
    private String string() {
        int start = ++at; // past the opening quote
        boolean ascii = true;
        while (at < end) {
            byte b = bytes[at];
            if (b == '"') {
                String s = new String(bytes, start, at - start,
                    ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                at++;
                return s;
            }
            if (b == '\\') {
                at = start;
                return escapedString();
            }
            ascii &= b >= 0;
            at++;
        }
        throw new IllegalArgumentException("a JSON string is not closed");
    }

    /** A string with escapes, from just after its opening quote: the runs between them decoded as UTF-8. */
    private String escapedString() {
        StringBuilder out = new StringBuilder();
        int start = at;
        while (at < end) {
            byte c = bytes[at];
            if (c == '"') {
                out.append(new String(bytes, start, at - start, StandardCharsets.UTF_8));
                at++;
                return out.toString();
            }
            if (c != '\\') {
                at++;
                continue;
            }
            out.append(new String(bytes, start, at - start, StandardCharsets.UTF_8));
            if (at + 1 >= end) {
                break;
            }
            byte e = bytes[at + 1];
            at += 2;
            switch (e) {
                case '"', '\\', '/' -> out.append((char) e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > end) {
                        throw new IllegalArgumentException("a \\u escape ends early");
                    }
                    out.append((char) Integer.parseInt(new String(bytes, at, 4, StandardCharsets.ISO_8859_1), 16));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + (char) e);
            }
            start = at;
        }
        throw new IllegalArgumentException("a JSON string is not closed");
    }

    /** A number: an integer of up to 18 digits read in place (counts, sequence numbers, segment indexes). */
    private Object number() {
        int start = at;
        boolean decimal = false;
        while (at < end) {
            byte c = bytes[at];
            if (c == '.' || c == 'e' || c == 'E') {
                decimal = true;
            } else if (!(c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                break;
            }
            at++;
        }
        if (at == start) {
            throw new IllegalArgumentException("unexpected '" + (char) bytes[at] + "' at " + at);
        }
        boolean negative = bytes[start] == '-';
        int digits = at - start - (negative ? 1 : 0);
        if (!decimal && digits > 0 && digits <= 18) {
            long v = 0;
            for (int i = negative ? start + 1 : start; i < at; i++) {
                int d = bytes[i] - '0';
                if (d < 0 || d > 9) {
                    throw new IllegalArgumentException("not a number at " + start);
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }
        String n = new String(bytes, start, at - start, StandardCharsets.ISO_8859_1);
        return decimal ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
    }

    private void literal(byte[] word) {
        if (end - at < word.length || !Arrays.equals(bytes, at, at + word.length, word, 0, word.length)) {
            throw new IllegalArgumentException("unexpected JSON at " + at);
        }
        at += word.length;
    }

    private boolean peek(char c) {
        if (at < end && bytes[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at);
        }
    }

    private void skipSpace() {
        while (at < end && (bytes[at] == ' ' || bytes[at] == '\n' || bytes[at] == '\r' || bytes[at] == '\t')) {
            at++;
        }
    }
}
