package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Writes the components of one frame, each with one call in the frame's {@link FrameCodec}, in the layout of
 * {@link WireCodec}'s format: in format 2 a record starts with its component count and each component with its
 * length (patched in once it is written), so that a reader of another release can skip or default components; in
 * format 1 the components follow each other bare.
 */
public final class FrameWriter {

    private final Buffer out;
    private final int format;
    /** Where the count of the record being written sits (format 2), and how many components it has had so far. */
    private int countAt = -1;
    private int count;

    FrameWriter(Buffer out, int format) {
        this.out = out;
        this.format = format;
    }

    /** The components of {@code frame} as {@code codec} writes them (a nested record's too). */
    <T extends Record> void components(T frame, FrameCodec<T> codec) {
        int outerCountAt = countAt;
        int outerCount = count;
        countAt = out.length();
        count = 0;
        if (format >= 2) {
            out.appendInt(0);
        }
        codec.write(frame, this);
        if (format >= 2) {
            out.setInt(countAt, count);
        }
        countAt = outerCountAt;
        count = outerCount;
    }

    /**
     * The format being written: a component added after format 1 is written only from format 2 on (format 1 has
     * no component count, so its readers cannot skip one they do not know).
     */
    public int format() {
        return format;
    }

    // ---- one component each ----------------------------------------------------------------------------------

    /** UTF-8 with its length; -1 for null. */
    public FrameWriter string(String s) {
        int at = begin();
        rawString(s);
        return end(at);
    }

    public FrameWriter int32(int v) {
        int at = begin();
        out.appendInt(v);
        return end(at);
    }

    public FrameWriter int64(long v) {
        int at = begin();
        out.appendLong(v);
        return end(at);
    }

    public FrameWriter bool(boolean v) {
        int at = begin();
        out.appendByte((byte) (v ? 1 : 0));
        return end(at);
    }

    /** An enum constant by its name (null as a null string). */
    public FrameWriter name(Enum<?> v) {
        return string(v == null ? null : v.name());
    }

    /** Raw bytes with their length; -1 for null. */
    public FrameWriter bytes(Buffer v) {
        int at = begin();
        if (v == null) {
            out.appendInt(-1);
        } else {
            out.appendInt(v.length()).appendBuffer(v);
        }
        return end(at);
    }

    /** A presence byte, then the nanoseconds. */
    public FrameWriter duration(Duration v) {
        int at = begin();
        out.appendByte((byte) (v == null ? 0 : 1));
        if (v != null) {
            out.appendLong(v.toNanos());
        }
        return end(at);
    }

    /** As its JSON text. */
    public FrameWriter json(JsonObject v) {
        return string(v == null ? null : v.encode());
    }

    /** Its size (-1 for null), then key and value of each entry. */
    public FrameWriter strings(Map<String, String> v) {
        int at = begin();
        if (v == null) {
            out.appendInt(-1);
        } else {
            out.appendInt(v.size());
            for (Map.Entry<String, String> e : v.entrySet()) {
                rawString(e.getKey());
                rawString(e.getValue());
            }
        }
        return end(at);
    }

    /** A nested record: a presence byte, then its components as {@code codec} writes them. */
    public <T extends Record> FrameWriter record(T v, FrameCodec<T> codec) {
        int at = begin();
        rawRecord(v, codec);
        return end(at);
    }

    /** Its size (-1 for null), then each element as a nested record. */
    public <T extends Record> FrameWriter list(List<T> v, FrameCodec<T> codec) {
        int at = begin();
        if (v == null) {
            out.appendInt(-1);
        } else {
            out.appendInt(v.size());
            for (T element : v) {
                rawRecord(element, codec);
            }
        }
        return end(at);
    }

    // ---- inside a component ------------------------------------------------------------------------------------

    private int begin() {
        count++;
        if (format < 2) {
            return -1;
        }
        int at = out.length();
        out.appendInt(0); // the component's length, set by end()
        return at;
    }

    private FrameWriter end(int at) {
        if (at >= 0) {
            out.setInt(at, out.length() - at - 4);
        }
        return this;
    }

    private <T extends Record> void rawRecord(T v, FrameCodec<T> codec) {
        out.appendByte((byte) (v == null ? 0 : 1));
        if (v != null) {
            components(v, codec);
        }
    }

    void rawString(String s) {
        if (s == null) {
            out.appendInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.appendInt(bytes.length).appendBytes(bytes);
    }
}
