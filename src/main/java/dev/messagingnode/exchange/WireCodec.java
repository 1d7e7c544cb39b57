package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wire form of the frames that cross between nodes: any registered record, written component by component in
 * declaration order, plus the few plain values replies carry (null, strings, numbers, booleans, JSON, bytes).
 *
 * <pre>
 *   value     := tag(1 byte) body
 *   record v1 := tag=7, type name (string), then each component by its declared type:
 *                String/enum: int length (-1 = null) + UTF-8 | int/long/boolean: fixed size | Buffer: int length + bytes
 *                Duration: presence byte + long nanos | Map/List/Set: int size (-1 = null) + elements
 *                JsonObject/JsonArray: as a string | nested record: presence byte + components | Object: value
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
 * {@code WireCodecTest} decodes frames recorded from the format-1 release to keep it so.
 *
 * <p>Only registered record types are read back: a peer cannot make this node build an arbitrary class. Records are
 * read with their canonical constructor, so their own checks run. Reflection is resolved once per type and cached;
 * a hand-written codec per hot frame can replace this where a profile says so.
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
    private static final String PREFIX = "dev.messagingnode.";

    private record Shape(RecordComponent[] components, MethodHandle[] accessors, MethodHandle constructor) {
    }

    private final Map<String, Class<?>> byName = new HashMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();
    private final Map<Class<?>, Shape> shapes = new ConcurrentHashMap<>();

    public WireCodec(Collection<Class<?>> types) {
        for (Class<?> type : types) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type + " is not a record");
            }
            String name = type.getName().startsWith(PREFIX) ? type.getName().substring(PREFIX.length()) : type.getName();
            byName.put(name, type);
            names.put(type, name);
        }
    }

    /** The registered types. */
    public Set<Class<?>> types() {
        return names.keySet();
    }

    /** In the newest format. */
    public Buffer encode(Object value) {
        return encode(value, FORMAT);
    }

    /** In {@code format} (1 for a peer of the release before format 2). */
    public Buffer encode(Object value, int format) {
        if (format < OLDEST_FORMAT || format > FORMAT) {
            throw new IllegalArgumentException("wire format " + format + " is not one of " + OLDEST_FORMAT + ".."
                + FORMAT);
        }
        Buffer out = Buffer.buffer(64);
        writeValue(out, value, format);
        return out;
    }

    public Object decode(Buffer in) {
        int[] pos = {0};
        Object value = readValue(in, pos);
        if (pos[0] != in.length()) {
            throw new IllegalArgumentException("trailing bytes after a " + typeOf(value) + ": " + (in.length() - pos[0]));
        }
        return value;
    }

    // ---- writing --------------------------------------------------------------------------------------------

    private void writeValue(Buffer out, Object v, int format) {
        if (v == null) {
            out.appendByte(NULL);
        } else if (v instanceof String s) {
            out.appendByte(STRING);
            writeString(out, s);
        } else if (v instanceof Integer i) {
            out.appendByte(INT).appendInt(i);
        } else if (v instanceof Long l) {
            out.appendByte(LONG).appendLong(l);
        } else if (v instanceof Boolean b) {
            out.appendByte(BOOLEAN).appendByte((byte) (b ? 1 : 0));
        } else if (v instanceof JsonObject j) {
            out.appendByte(JSON_OBJECT);
            writeString(out, j.encode());
        } else if (v instanceof JsonArray a) {
            out.appendByte(JSON_ARRAY);
            writeString(out, a.encode());
        } else if (v instanceof Buffer b) {
            out.appendByte(BUFFER).appendInt(b.length()).appendBuffer(b);
        } else if (v instanceof Record r && names.containsKey(r.getClass())) {
            out.appendByte(format >= 2 ? RECORD_V2 : RECORD);
            writeString(out, names.get(r.getClass()));
            writeComponents(out, r, format);
        } else {
            throw new IllegalArgumentException("cannot send a " + v.getClass().getName() + " to another node");
        }
    }

    private void writeComponents(Buffer out, Record r, int format) {
        Shape shape = shape(r.getClass());
        if (format >= 2) {
            out.appendInt(shape.components().length);
        }
        for (int i = 0; i < shape.components().length; i++) {
            Object value;
            try {
                value = shape.accessors()[i].invoke(r);
            } catch (Throwable t) {
                throw new IllegalStateException("cannot read " + shape.components()[i], t);
            }
            int lengthAt = out.length();
            if (format >= 2) {
                out.appendInt(0); // the component's length, set below
            }
            writeTyped(out, shape.components()[i].getGenericType(), value, format);
            if (format >= 2) {
                out.setInt(lengthAt, out.length() - lengthAt - 4);
            }
        }
    }

    private void writeTyped(Buffer out, Type type, Object v, int format) {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            writeString(out, (String) v);
        } else if (raw == int.class) {
            out.appendInt((Integer) v);
        } else if (raw == long.class) {
            out.appendLong((Long) v);
        } else if (raw == boolean.class) {
            out.appendByte((byte) (((Boolean) v) ? 1 : 0));
        } else if (raw.isEnum()) {
            writeString(out, v == null ? null : ((Enum<?>) v).name());
        } else if (raw == Buffer.class) {
            if (v == null) {
                out.appendInt(-1);
            } else {
                out.appendInt(((Buffer) v).length()).appendBuffer((Buffer) v);
            }
        } else if (raw == Duration.class) {
            out.appendByte((byte) (v == null ? 0 : 1));
            if (v != null) {
                out.appendLong(((Duration) v).toNanos());
            }
        } else if (raw == JsonObject.class || raw == JsonArray.class) {
            writeString(out, v == null ? null : v.toString());
        } else if (Map.class.isAssignableFrom(raw)) {
            Map<?, ?> m = (Map<?, ?>) v;
            out.appendInt(m == null ? -1 : m.size());
            if (m != null) {
                Type[] args = ((ParameterizedType) type).getActualTypeArguments();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    writeTyped(out, args[0], e.getKey(), format);
                    writeTyped(out, args[1], e.getValue(), format);
                }
            }
        } else if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
            Collection<?> c = (Collection<?>) v;
            out.appendInt(c == null ? -1 : c.size());
            if (c != null) {
                Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
                for (Object o : c) {
                    writeTyped(out, element, o, format);
                }
            }
        } else if (raw.isRecord()) {
            out.appendByte((byte) (v == null ? 0 : 1));
            if (v != null) {
                writeComponents(out, (Record) v, format);
            }
        } else {
            writeValue(out, v, format);
        }
    }

    private static void writeString(Buffer out, String s) {
        if (s == null) {
            out.appendInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.appendInt(bytes.length).appendBytes(bytes);
    }

    // ---- reading --------------------------------------------------------------------------------------------

    private Object readValue(Buffer in, int[] pos) {
        byte tag = in.getByte(pos[0]++);
        switch (tag) {
            case NULL:
                return null;
            case STRING:
                return readString(in, pos);
            case INT:
                return readInt(in, pos);
            case LONG:
                return readLong(in, pos);
            case BOOLEAN:
                return in.getByte(pos[0]++) != 0;
            case JSON_OBJECT:
                return new JsonObject(readString(in, pos));
            case JSON_ARRAY:
                return new JsonArray(readString(in, pos));
            case BUFFER:
                return readBytes(in, pos, readInt(in, pos));
            case RECORD:
                return readComponents(in, pos, registered(readString(in, pos)));
            case RECORD_V2:
                return readComponentsV2(in, pos, registered(readString(in, pos)));
            default:
                throw new IllegalArgumentException("unknown value tag " + tag + " at " + (pos[0] - 1));
        }
    }

    /** The registered type of that name; a peer cannot make this node build any other class. */
    private Class<?> registered(String name) {
        Class<?> type = byName.get(name);
        if (type == null) {
            throw new IllegalArgumentException("unknown frame type '" + name + "' from another node");
        }
        return type;
    }

    private Object readComponents(Buffer in, int[] pos, Class<?> type) {
        Shape shape = shape(type);
        Object[] args = new Object[shape.components().length];
        for (int i = 0; i < args.length; i++) {
            args[i] = readTyped(in, pos, shape.components()[i].getGenericType(), 1);
        }
        return construct(shape, type, args);
    }

    /**
     * Format 2: as many components as the writer sent, each within its length. Those this release does not know
     * (a newer writer's, at the end) are skipped; those the writer did not send (an older one's) take their default.
     */
    private Object readComponentsV2(Buffer in, int[] pos, Class<?> type) {
        Shape shape = shape(type);
        int sent = readInt(in, pos);
        if (sent < 0) {
            throw new IllegalArgumentException("a " + type.getSimpleName() + " with " + sent + " components");
        }
        Object[] args = new Object[shape.components().length];
        for (int i = 0; i < sent; i++) {
            int length = readInt(in, pos);
            if (length < 0 || length > in.length() - pos[0]) {
                throw new IllegalArgumentException("component " + i + " of a " + type.getSimpleName() + " says "
                    + length + " bytes; " + (in.length() - pos[0]) + " are left");
            }
            int end = pos[0] + length;
            if (i < args.length) {
                args[i] = readTyped(in, pos, shape.components()[i].getGenericType(), 2);
                if (pos[0] != end) {
                    throw new IllegalArgumentException("component " + shape.components()[i].getName() + " of a "
                        + type.getSimpleName() + " is " + length + " bytes on the wire, " + (pos[0] - end + length)
                        + " read");
                }
            }
            pos[0] = end;
        }
        for (int i = sent; i < args.length; i++) {
            args[i] = defaultFor(shape.components()[i].getType());
        }
        return construct(shape, type, args);
    }

    private static Object defaultFor(Class<?> type) {
        if (type == int.class) {
            return 0;
        } else if (type == long.class) {
            return 0L;
        } else if (type == boolean.class) {
            return false;
        } else if (Map.class.isAssignableFrom(type)) {
            return Map.of();
        } else if (List.class.isAssignableFrom(type)) {
            return List.of();
        } else if (Set.class.isAssignableFrom(type)) {
            return Set.of();
        }
        return null;
    }

    private static Object construct(Shape shape, Class<?> type, Object[] args) {
        try {
            return shape.constructor().invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalArgumentException("cannot build a " + type.getSimpleName() + " from the wire: " + t, t);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object readTyped(Buffer in, int[] pos, Type type, int format) {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return readString(in, pos);
        } else if (raw == int.class) {
            return readInt(in, pos);
        } else if (raw == long.class) {
            return readLong(in, pos);
        } else if (raw == boolean.class) {
            return in.getByte(pos[0]++) != 0;
        } else if (raw.isEnum()) {
            String name = readString(in, pos);
            return name == null ? null : Enum.valueOf((Class<? extends Enum>) raw, name);
        } else if (raw == Buffer.class) {
            int length = readInt(in, pos);
            return length < 0 ? null : readBytes(in, pos, length);
        } else if (raw == Duration.class) {
            return in.getByte(pos[0]++) == 0 ? null : Duration.ofNanos(readLong(in, pos));
        } else if (raw == JsonObject.class) {
            String s = readString(in, pos);
            return s == null ? null : new JsonObject(s);
        } else if (raw == JsonArray.class) {
            String s = readString(in, pos);
            return s == null ? null : new JsonArray(s);
        } else if (Map.class.isAssignableFrom(raw)) {
            int size = readInt(in, pos);
            if (size < 0) {
                return null;
            }
            Type[] args = ((ParameterizedType) type).getActualTypeArguments();
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                m.put(readTyped(in, pos, args[0], format), readTyped(in, pos, args[1], format));
            }
            return m;
        } else if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
            int size = readInt(in, pos);
            if (size < 0) {
                return null;
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            Collection<Object> c = List.class.isAssignableFrom(raw) ? new ArrayList<>(size) : new LinkedHashSet<>();
            for (int i = 0; i < size; i++) {
                c.add(readTyped(in, pos, element, format));
            }
            return List.class.isAssignableFrom(raw) ? List.copyOf((List<?>) c) : Set.copyOf(c);
        } else if (raw.isRecord()) {
            if (in.getByte(pos[0]++) == 0) {
                return null;
            }
            return format >= 2 ? readComponentsV2(in, pos, raw) : readComponents(in, pos, raw);
        }
        return readValue(in, pos);
    }

    private static String readString(Buffer in, int[] pos) {
        int length = readInt(in, pos);
        if (length < 0) {
            return null;
        }
        String s = in.getString(pos[0], pos[0] + length, "UTF-8");
        pos[0] += length;
        return s;
    }

    private static Buffer readBytes(Buffer in, int[] pos, int length) {
        Buffer b = in.getBuffer(pos[0], pos[0] + length);
        pos[0] += length;
        return b;
    }

    private static int readInt(Buffer in, int[] pos) {
        int v = in.getInt(pos[0]);
        pos[0] += 4;
        return v;
    }

    private static long readLong(Buffer in, int[] pos) {
        long v = in.getLong(pos[0]);
        pos[0] += 8;
        return v;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private Shape shape(Class<?> type) {
        return shapes.computeIfAbsent(type, t -> {
            try {
                RecordComponent[] components = t.getRecordComponents();
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(t, MethodHandles.lookup());
                MethodHandle[] accessors = new MethodHandle[components.length];
                Class<?>[] parameterTypes = new Class<?>[components.length];
                for (int i = 0; i < components.length; i++) {
                    accessors[i] = lookup.unreflect(components[i].getAccessor());
                    parameterTypes[i] = components[i].getType();
                }
                return new Shape(components, accessors, lookup.unreflectConstructor(t.getDeclaredConstructor(parameterTypes)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot encode " + t, e);
            }
        });
    }

    private static String typeOf(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
