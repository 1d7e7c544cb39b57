package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The wire form of the frames that cross between nodes: any frame with a registered {@link FrameCodec}, written
 * component by component as its codec says, plus the few plain values replies carry (null, strings, numbers,
 * booleans, JSON, bytes). No reflection: each frame type declares its layout next to its fields.
 *
 * <pre>
 *   value     := tag(1 byte) body
 *   record v1 := tag=7, type name (string), then each component as its codec writes it:
 *                String/enum: int length (-1 = null) + UTF-8 | int/long/boolean: fixed size | Buffer: int length + bytes
 *                Duration: presence byte + long nanos | Map/List: int size (-1 = null) + elements
 *                JsonObject: as a string | nested record: presence byte + components
 *   record v2 := tag=9, type name (string), int count, then count times: int length + the component as above
 *                (a nested record again in v2)
 * </pre>
 *
 * <p><b>Formats and rolling updates.</b> Format 1 (tag 7, the release before format 2 existed) has no length per
 * component, so a reader must know every component: two releases whose frames differ cannot talk. Format 2 counts and
 * sizes them, so a record may gain components <em>at its end</em> from one release to the next: a reader skips the
 * trailing components it does not know, and fills those a writer of the release before did not send with their
 * default (null, 0, false, empty), which the record's constructor must accept. A node reads both formats and writes
 * to each peer the newest one that peer announced ({@code wireFormat} in its {@code Announcement}; a peer that
 * announced none, as nodes of format 1 do not, gets format 1), so a cluster of two adjacent releases interoperates;
 * {@code WireCodecTest} decodes frames recorded from the format-1 release and from the last release of format 2
 * whose codec worked by reflection, and writes the same bytes, to keep it so.
 *
 * <p>Only registered frame types are read back: a peer cannot make this node build any other class. Frames are
 * built with their canonical constructor, so their own checks run; a length or count that does not fit the bytes
 * left is refused before anything is allocated for it.
 */
public final class WireCodec {

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte BOOLEAN = 4;
    private static final byte JSON_OBJECT = 5;
    private static final byte BUFFER = 6;
    private static final byte RECORD = 7;
    private static final byte JSON_ARRAY = 8;
    private static final byte RECORD_V2 = 9;

    /** The newest format this node writes; it reads every one from {@link #OLDEST_FORMAT}. */
    public static final int FORMAT = 2;
    public static final int OLDEST_FORMAT = 1;

    private final Map<String, FrameCodec<?>> byName = new HashMap<>();
    private final Map<Class<?>, FrameCodec<?>> byType = new HashMap<>();

    public WireCodec(Collection<FrameCodec<?>> codecs) {
        for (FrameCodec<?> codec : codecs) {
            if (byType.put(codec.type(), codec) != null || byName.put(codec.name(), codec) != null) {
                throw new IllegalArgumentException("two codecs for " + codec.type().getName());
            }
        }
    }

    /** The registered types. */
    public Set<Class<?>> types() {
        return byType.keySet();
    }

    /** In the newest format. */
    public Buffer encode(Object value) {
        return encode(value, FORMAT);
    }

    /**
     * A frame's first buffer: most frames (a request, a reply, a publish of a small message with its names) fit, so
     * the buffer does not grow and copy itself two or three times from 64 bytes (23 % of the exchange's event loop
     * under two-node pub-sub, JFR); a large body grows it by doubling.
     */
    public static final int INITIAL_BYTES = 512;

    /** In {@code format} (1 for a peer of the release before format 2). */
    public Buffer encode(Object value, int format) {
        Buffer out = Buffer.buffer(INITIAL_BYTES);
        encodeInto(out, value, format);
        return out;
    }

    /**
     * Appends {@code value} in {@code format} to {@code out}, after what the caller wrote there (the cluster
     * transport's envelope): one buffer per message, not a frame copied behind its envelope.
     */
    public void encodeInto(Buffer out, Object value, int format) {
        if (format < OLDEST_FORMAT || format > FORMAT) {
            throw new IllegalArgumentException("wire format " + format + " is not one of " + OLDEST_FORMAT + ".."
                + FORMAT);
        }
        writeValue(out, value, format);
    }

    /**
     * The UTF-8 string of {@code length} bytes at {@code from}, decoded from the buffer's own bytes: Vert.x's
     * {@code getString} copies them into a new array first (with the String's own copy, 14 % of an event loop
     * under two-node pub-sub, JFR).
     */
    public static String utf8(Buffer in, int from, int length) {
        if (in instanceof io.vertx.core.buffer.impl.BufferImpl b) {
            return b.byteBuf().toString(from, length, StandardCharsets.UTF_8);
        }
        return in.getString(from, from + length, "UTF-8");
    }

    /**
     * The value {@code in} holds. A byte component of 64 KiB or more is a view of {@code in} rather than a copy, so
     * {@code in} must be the caller's alone and never written again (a received cluster message is: JGroups reads
     * each into an array of its own).
     */
    public Object decode(Buffer in) {
        FrameReader reader = new FrameReader(in, 0, FORMAT);
        Object value = readValue(in, reader);
        if (reader.position() != in.length()) {
            throw new IllegalArgumentException("trailing bytes after a " + typeOf(value) + ": "
                + (in.length() - reader.position()));
        }
        return value;
    }

    // ---- writing --------------------------------------------------------------------------------------------

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void writeValue(Buffer out, Object v, int format) {
        FrameWriter writer = new FrameWriter(out, format);
        if (v == null) {
            out.appendByte(NULL);
        } else if (v instanceof String s) {
            out.appendByte(STRING);
            writer.rawString(s);
        } else if (v instanceof Integer i) {
            out.appendByte(INT).appendInt(i);
        } else if (v instanceof Long l) {
            out.appendByte(LONG).appendLong(l);
        } else if (v instanceof Boolean b) {
            out.appendByte(BOOLEAN).appendByte((byte) (b ? 1 : 0));
        } else if (v instanceof JsonObject j) {
            out.appendByte(JSON_OBJECT);
            writer.rawString(j.encode());
        } else if (v instanceof JsonArray a) {
            out.appendByte(JSON_ARRAY);
            writer.rawString(a.encode());
        } else if (v instanceof Buffer b) {
            out.appendByte(BUFFER).appendInt(b.length()).appendBuffer(b);
        } else if (v instanceof Record r && byType.containsKey(r.getClass())) {
            FrameCodec codec = byType.get(r.getClass());
            out.appendByte(format >= 2 ? RECORD_V2 : RECORD);
            writer.rawString(codec.name());
            writer.components(r, codec);
        } else {
            throw new IllegalArgumentException("cannot send a " + v.getClass().getName() + " to another node");
        }
    }

    // ---- reading --------------------------------------------------------------------------------------------

    private Object readValue(Buffer in, FrameReader reader) {
        byte tag = reader.rawByte();
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return reader.rawString();
            case INT:
                return reader.rawInt();
            case LONG:
                return reader.rawLong();
            case BOOLEAN:
                return reader.rawByte() != 0;
            case JSON_OBJECT:
                return new JsonObject(reader.rawString());
            case JSON_ARRAY:
                return new JsonArray(reader.rawString());
            case BUFFER:
                return reader.rawBytes();
            case RECORD:
            case RECORD_V2:
                FrameCodec<?> codec = registered(reader.rawString());
                FrameReader components = new FrameReader(in, reader.position(), tag == RECORD ? 1 : 2);
                Object frame = components.components(codec);
                reader.skipTo(components.position());
                return frame;
            default:
                throw new IllegalArgumentException("unknown value tag " + tag + " at " + (reader.position() - 1));
        }
    }

    /** The codec of the frame type of that name; a peer cannot make this node build any other class. */
    private FrameCodec<?> registered(String name) {
        FrameCodec<?> codec = byName.get(name);
        if (codec == null) {
            throw new IllegalArgumentException("unknown frame type '" + name + "' from another node");
        }
        return codec;
    }

    private static String typeOf(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
