package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the components of one frame back, each with one call in the frame's {@link FrameCodec}, in the order they
 * were written. In format 2 each component is read within the length its writer gave it: a component this release
 * reads that the writer (an older release) did not send returns its default (null, 0, false, empty), and those the
 * writer sent past the ones this release knows (a newer release's) are skipped once the frame is built.
 *
 * <p>Every length and count is checked against the bytes that are left before anything is allocated for it: a
 * peer's frame, however wrong, ends in a {@link BadWireFrame}, never in a large allocation or a misread.
 */
public final class FrameReader {

    /** Byte components this long or longer are read as views of the frame's buffer, not copies. */
    static final int VIEW_BYTES = 64 * 1024;

    private final Buffer in;
    private final int format;
    private int pos;
    /**
     * The record being read: its name, the components its writer sent (format 2), how many have been read, and where
     * the current one starts and ends.
     */
    private String type = "frame";
    private int sent;
    private int index;
    private int start;
    private int end;

    FrameReader(Buffer in, int pos, int format) {
        this.in = in;
        this.pos = pos;
        this.format = format;
    }

    int position() {
        return pos;
    }

    void skipTo(int position) {
        pos = position;
    }

    /** One record's components, built by {@code codec} (a nested record's too). */
    <T extends Record> T components(FrameCodec<T> codec) {
        String outerType = type;
        int outerSent = sent;
        int outerIndex = index;
        int outerStart = start;
        int outerEnd = end;
        type = codec.type().getSimpleName();
        index = 0;
        if (format >= 2) {
            sent = rawInt();
            if (sent < 0) {
                throw new BadWireFrame("a " + type + " with " + sent + " components");
            }
        }
        T frame = codec.read(this);
        if (format >= 2) {
            for (; index < sent; index++) {
                int length = length(); // (not pos += length(): Java would read pos before length() moves it)
                pos += length; // a newer release's components, after every one this release knows
            }
        }
        type = outerType;
        sent = outerSent;
        index = outerIndex;
        start = outerStart;
        end = outerEnd;
        return frame;
    }

    /** The format being read: a component added after format 1 is never in a frame of format 1. */
    public int format() {
        return format;
    }

    // ---- one component each ----------------------------------------------------------------------------------

    public String string() {
        if (!begin()) {
            return null;
        }
        return end(rawString());
    }

    public int int32() {
        if (!begin()) {
            return 0;
        }
        return end(rawInt());
    }

    public long int64() {
        if (!begin()) {
            return 0L;
        }
        return end(rawLong());
    }

    public boolean bool() {
        if (!begin()) {
            return false;
        }
        return end(rawByte() != 0);
    }

    /** The constant of {@code type} named on the wire; null when none was sent. */
    public <E extends Enum<E>> E name(Class<E> enumType) {
        String name = string();
        return name == null ? null : Enum.valueOf(enumType, name);
    }

    public Buffer bytes() {
        if (!begin()) {
            return null;
        }
        return end(rawBytes());
    }

    public Duration duration() {
        if (!begin()) {
            return null;
        }
        if (rawByte() == 0) {
            return end(null);
        }
        return end(Duration.ofNanos(rawLong()));
    }

    public JsonObject json() {
        String s = string();
        return s == null ? null : new JsonObject(s);
    }

    /** A map of strings, in the order written; empty when none was sent, null when null was. */
    public Map<String, String> strings() {
        if (!begin()) {
            return Map.of();
        }
        int size = size(8);
        if (size < 0) {
            return end(null);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            m.put(rawString(), rawString());
        }
        return end(m);
    }

    public <T extends Record> T record(FrameCodec<T> codec) {
        if (!begin()) {
            return null;
        }
        return end(rawRecord(codec));
    }

    /** An unmodifiable list; empty when none was sent, null when null was. */
    public <T extends Record> List<T> list(FrameCodec<T> codec) {
        if (!begin()) {
            return List.of();
        }
        int size = size(1);
        if (size < 0) {
            return end(null);
        }
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(rawRecord(codec));
        }
        return end(List.copyOf(list));
    }

    // ---- inside a component ------------------------------------------------------------------------------------

    /** True when the writer sent the next component; in format 2, its length is read and checked. */
    private boolean begin() {
        if (format < 2) {
            index++;
            return true;
        }
        if (index >= sent) {
            index++;
            return false; // an older release's frame, which ends before this component
        }
        int length = length();
        start = pos;
        end = pos + length;
        index++;
        return true;
    }

    private <V> V end(V value) {
        if (format >= 2 && pos != end) {
            throw new BadWireFrame("component " + (index - 1) + " of a " + type + " is " + (end - start)
                + " bytes on the wire, " + (pos - start) + " read");
        }
        return value;
    }

    private int length() {
        int length = rawInt();
        if (length < 0 || length > in.length() - pos) {
            throw new BadWireFrame("component " + index + " of a " + type + " says " + length + " bytes; "
                + (in.length() - pos) + " are left");
        }
        return length;
    }

    /** A count of elements of at least {@code minBytes} each: no more than the bytes left could hold. */
    private int size(int minBytes) {
        int size = rawInt();
        if (size > (in.length() - pos) / minBytes) {
            throw new BadWireFrame("a " + type + " says " + size + " elements; " + (in.length() - pos)
                + " bytes are left");
        }
        return size;
    }

    private <T extends Record> T rawRecord(FrameCodec<T> codec) {
        return rawByte() == 0 ? null : components(codec);
    }

    String rawString() {
        int length = rawInt();
        if (length < 0) {
            return null;
        }
        need(length);
        String s = WireCodec.utf8(in, pos, length);
        pos += length;
        return s;
    }

    int rawInt() {
        need(4);
        int v = in.getInt(pos);
        pos += 4;
        return v;
    }

    long rawLong() {
        need(8);
        long v = in.getLong(pos);
        pos += 8;
        return v;
    }

    Buffer rawBytes() {
        int length = rawInt();
        if (length < 0) {
            return null;
        }
        need(length);
        // A large body (a chunk) is a view of the message it came in, which is this frame's alone (see
        // WireCodec#decode): its copy cost the receiving event loop a zeroed array and a copy of each 1 MiB chunk.
        // Smaller ones are copied, so that a frame kept for long (a held delivery) does not keep a whole batch of
        // other frames' bytes reachable; messages that large travel alone, never in a batch.
        Buffer b = length >= VIEW_BYTES ? in.slice(pos, pos + length) : in.getBuffer(pos, pos + length);
        pos += length;
        return b;
    }

    byte rawByte() {
        need(1);
        return in.getByte(pos++);
    }

    private void need(int bytes) {
        if (bytes > in.length() - pos) {
            throw new BadWireFrame("a " + type + " needs " + bytes + " bytes at " + pos + "; " + (in.length() - pos)
                + " are left");
        }
    }

    /** A frame whose bytes do not match its layout. */
    static final class BadWireFrame extends IllegalArgumentException {
        BadWireFrame(String message) {
            super(message);
        }
    }
}
