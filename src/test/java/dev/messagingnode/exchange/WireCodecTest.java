package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.node.StandardPatterns;
import dev.messagingnode.rpc.ReplyFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every frame that may cross between nodes comes back equal from its wire form. */
class WireCodecTest {

    private final WireCodec codec = StandardPatterns.all().wireCodec();

    /**
     * A chunk-sized body is read as a view of the received message (no zeroed array and copy per chunk on the
     * receiving event loop); a small one is copied, so that it keeps no larger message reachable.
     */
    @Test
    void aLargeBodyIsAViewOfTheReceivedMessageAndASmallOneACopy() {
        for (int length : new int[] {FrameReader.VIEW_BYTES, FrameReader.VIEW_BYTES - 1}) {
            byte[] bytes = new byte[length];
            java.util.Arrays.fill(bytes, (byte) 42);
            Buffer received = codec.encode(new dev.messagingnode.rpc.ChunkFrame(1, dev.messagingnode.rpc.ChunkFrame.Kind.DATA,
                0, 8, 1000, Buffer.buffer(bytes), null));
            dev.messagingnode.rpc.ChunkFrame decoded = (dev.messagingnode.rpc.ChunkFrame) codec.decode(received);
            assertThat(decoded.data().length()).isEqualTo(length);
            received.setByte(bodyStart(received, length), (byte) 7);
            assertThat(decoded.data().getByte(0)).isEqualTo(length >= FrameReader.VIEW_BYTES ? (byte) 7 : (byte) 42);
        }
    }

    /** Where the body of {@code length} bytes of 42 starts in an encoded frame: after its length. */
    private static int bodyStart(Buffer encoded, int length) {
        for (int at = 4; at + length <= encoded.length(); at++) {
            if (encoded.getInt(at - 4) == length && encoded.getByte(at) == 42) {
                return at;
            }
        }
        throw new AssertionError("body not found");
    }

    @Test
    void everyRegisteredFrameSurvivesItsWireForm() throws Exception {
        assertThat(codec.types()).hasSizeGreaterThan(20);
        for (Class<?> type : codec.types()) {
            Object sample = sample(type);
            Object back = codec.decode(codec.encode(sample));
            assertThat(back).as(type.getName()).isEqualTo(sample);
        }
    }

    @Test
    void framesRecordedFromTheFormatOneReleaseAreReadAndWrittenByteForByte() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("src/test/resources/wire/frames-v1.txt"));
        int read = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            Class<?> type = Class.forName(parts[0]);
            byte[] recorded = java.util.HexFormat.of().parseHex(parts[1]);
            Object sample = sample(type);
            // A component added since has its default in what that release wrote, and is not written for it.
            assertThat(codec.decode(Buffer.buffer(recorded))).as(parts[0]).isEqualTo(recordedPart(sample));
            // What this node writes to a peer of that release: the same bytes, so the old peer reads it.
            assertThat(codec.encode(sample, 1).getBytes()).as(parts[0]).isEqualTo(recorded);
            read++;
        }
        assertThat(read).isGreaterThan(20);
    }

    @Test
    void everyRegisteredFrameKeepsEachComponentInItsPlace() throws Exception {
        for (Class<?> type : codec.types()) {
            Object sample = distinctSample(type);
            for (int format = WireCodec.OLDEST_FORMAT; format <= WireCodec.FORMAT; format++) {
                assertThat(codec.decode(codec.encode(sample, format))).as(type.getName() + " v" + format)
                    .isEqualTo(sample);
            }
        }
    }

    /**
     * The explicit codecs replaced a reflective one that wrote each record's components in declaration order: a node
     * of that release must still read what this one writes, and this one what it wrote. Every registered type has a
     * recorded frame, so a new frame type needs a line here (recorded from the codec of the release it appears in).
     */
    @Test
    void framesRecordedFromTheLastReflectiveReleaseAreReadAndWrittenByteForByte() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(
            java.nio.file.Path.of("src/test/resources/wire/frames-v2.txt"));
        Set<Class<?>> recorded = new java.util.HashSet<>();
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            Class<?> type = Class.forName(parts[0]);
            byte[] bytes = java.util.HexFormat.of().parseHex(parts[1]);
            Object sample = distinctSample(type);
            assertThat(codec.decode(Buffer.buffer(bytes))).as(parts[0]).isEqualTo(recordedPart(sample));
            byte[] written = codec.encode(sample, 2).getBytes();
            int added = type.getRecordComponents().length - RECORDED_COMPONENTS.getOrDefault(type,
                type.getRecordComponents().length);
            if (added > 0) {
                // The recorded bytes with the components added since appended and counted: what that release
                // reads is exactly what it read before, and it skips the rest by the count.
                int countAt = 1 + 4 + Buffer.buffer(bytes).getInt(1);
                Buffer asRecorded = Buffer.buffer(java.util.Arrays.copyOf(written, bytes.length));
                assertThat(Buffer.buffer(written).getInt(countAt)).as(parts[0])
                    .isEqualTo(Buffer.buffer(bytes).getInt(countAt) + added);
                asRecorded.setInt(countAt, Buffer.buffer(bytes).getInt(countAt));
                assertThat(asRecorded.getBytes()).as(parts[0]).isEqualTo(bytes);
                assertThat(codec.decode(Buffer.buffer(written))).as(parts[0]).isEqualTo(sample);
            } else {
                assertThat(written).as(parts[0]).isEqualTo(bytes);
            }
            recorded.add(type);
        }
        assertThat(recorded).containsAll(codec.types());
    }

    /**
     * A peer's frame cut short anywhere, or with any one byte changed, is refused with an IllegalArgumentException
     * (which the transport logs, answering a request with a failure) or read as some other valid frame: never an
     * index error, a large allocation or a hang.
     */
    @Test
    void aTruncatedOrCorruptedFrameIsRefusedCleanly() throws Exception {
        java.util.Random random = new java.util.Random(13);
        for (Class<?> type : codec.types()) {
            byte[] whole = codec.encode(distinctSample(type), 2).getBytes();
            for (int cut = 0; cut < whole.length; cut++) {
                Buffer truncated = Buffer.buffer(java.util.Arrays.copyOf(whole, cut));
                assertThatThrownBy(() -> codec.decode(truncated)).as(type.getName() + " cut at " + cut)
                    .isInstanceOf(IllegalArgumentException.class);
            }
            for (int i = 0; i < 200; i++) {
                byte[] bad = whole.clone();
                int at = random.nextInt(bad.length);
                bad[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0x7f);
                try {
                    codec.decode(Buffer.buffer(bad));
                } catch (IllegalArgumentException | io.vertx.core.json.DecodeException expected) {
                    // refused; DecodeException is a JSON component's text that is no longer JSON
                }
            }
        }
    }

    /**
     * A failure code a newer release added reaches a node of this one as SERVICE_FAILED with the code in its detail:
     * the request still fails, and says why, instead of the frame being refused.
     */
    @Test
    void aFailureCodeOfANewerReleaseIsReadAsServiceFailedNamingIt() {
        ReplyFrame failed = new ReplyFrame(9, ReplyFrame.Kind.FAILURE, null, null, 0, Failure.TIMED_OUT,
            "took too long");
        Buffer frame = codec.encode(failed, 2);
        byte[] bytes = frame.getBytes();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("TIMED_OUT");
        byte[] newer = "NEW_CODE9".getBytes(java.nio.charset.StandardCharsets.US_ASCII); // same length
        System.arraycopy(newer, 0, bytes, at, newer.length);
        ReplyFrame read = (ReplyFrame) codec.decode(Buffer.buffer(bytes));
        assertThat(read.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(read.detail()).contains("NEW_CODE9").contains("took too long");
        assertThat(read.requestId()).isEqualTo(9);
        assertThat(codec.decode(frame)).isEqualTo(failed);
    }

    @Test
    void aCountLargerThanTheFrameIsRefusedBeforeAnythingIsAllocated() {
        Buffer frame = codec.encode(new dev.messagingnode.pubsub.FanOutFrame("k", null, "from", List.of()), 2);
        // the targets come last: their component ends with the list's size; claim two billion of them
        Buffer huge = frame.copy().setInt(frame.length() - 4, Integer.MAX_VALUE);
        assertThatThrownBy(() -> codec.decode(huge)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("elements");
        int countAt = 1 + 4 + frame.getInt(1);
        Buffer negativeCount = frame.copy().setInt(countAt, -1);
        assertThatThrownBy(() -> codec.decode(negativeCount)).hasMessageContaining("-1 components");
        Buffer longString = codec.encode("s").setInt(1, Integer.MAX_VALUE);
        assertThatThrownBy(() -> codec.decode(longString)).hasMessageContaining("bytes");
    }

    @Test
    void formatTwoSkipsTrailingComponentsOfANewerReleaseAndDefaultsThoseAnOlderOneLacks() throws Exception {
        int defaulted = 0;
        for (Class<?> type : codec.types()) {
            Object sample = sample(type);
            Buffer v2 = codec.encode(sample, 2);
            assertThat(v2.getByte(0)).isEqualTo((byte) 9);
            int countAt = 1 + 4 + v2.getInt(1);
            int count = v2.getInt(countAt);
            assertThat(count).isEqualTo(type.getRecordComponents().length);

            // A newer release appended a component: this one skips it.
            Buffer newer = v2.copy().setInt(countAt, count + 1).appendInt(5).appendString("later");
            assertThat(codec.decode(newer)).as("newer " + type.getName()).isEqualTo(sample);

            if (count == 0) {
                continue;
            }
            // An older release did not have the last component: it takes its default.
            int at = countAt + 4;
            int lastAt = at;
            for (int i = 0; i < count; i++) {
                lastAt = at;
                at += 4 + v2.getInt(at);
            }
            Buffer older = v2.getBuffer(0, lastAt).setInt(countAt, count - 1);
            Object expected = withLastDefaulted(type, sample);
            if (expected == null) {
                // this record's constructor refuses the default: the rule is to add only components that take one
                assertThatThrownBy(() -> codec.decode(older)).hasMessageContaining("cannot build");
                continue;
            }
            assertThat(codec.decode(older)).as("older " + type.getName()).isEqualTo(expected);
            defaulted++;
        }
        assertThat(defaulted).isGreaterThan(10);
        // A component whose length lies is refused, not misread.
        Buffer lying = codec.encode(new Delivery(new Envelope("x", null, Buffer.buffer("m"), Map.of()), null, 3, null), 2);
        int countAt = 1 + 4 + lying.getInt(1);
        Buffer bad = lying.copy().setInt(countAt + 4, 1000);
        assertThatThrownBy(() -> codec.decode(bad)).hasMessageContaining("bytes");
    }

    /** {@code sample} with its last component at its wire default, or null when the constructor refuses that. */
    private static Object withLastDefaulted(Class<?> type, Object sample) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            java.lang.reflect.Method accessor = components[i].getAccessor();
            accessor.setAccessible(true);
            args[i] = accessor.invoke(sample);
        }
        Class<?> last = types[types.length - 1];
        args[args.length - 1] = last == int.class ? (Object) 0 : last == long.class ? (Object) 0L
            : last == boolean.class ? (Object) false : Map.class.isAssignableFrom(last) ? Map.of()
            : List.class.isAssignableFrom(last) ? List.of() : Set.class.isAssignableFrom(last) ? Set.of() : null;
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        try {
            return c.newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return null;
        }
    }

    @Test
    void nullComponentsSurviveToo() {
        Envelope e = new Envelope("x", null, Buffer.buffer("m"), Map.of());
        Delivery d = new Delivery(e, null, 3, null);
        assertThat(codec.decode(codec.encode(d))).isEqualTo(d);
    }

    @Test
    void plainReplyValuesSurvive() {
        for (Object v : new Object[] {null, "s", 42, 42L, true, new JsonObject().put("a", 1), new JsonArray().add(2),
            Buffer.buffer(new byte[] {1, 2, 3})}) {
            assertThat(codec.decode(codec.encode(v))).isEqualTo(v);
        }
    }

    @Test
    void refusesWhatItWasNotToldOf() {
        record Stranger(String s) {
        }
        assertThatThrownBy(() -> codec.encode(new Stranger("x"))).hasMessageContaining("cannot send");
        Buffer forged = Buffer.buffer().appendByte((byte) 7).appendInt(16).appendString("java.io.FileThing");
        assertThatThrownBy(() -> codec.decode(forged)).hasMessageContaining("unknown frame type");
        Buffer trailing = codec.encode("s").appendByte((byte) 0);
        assertThatThrownBy(() -> codec.decode(trailing)).hasMessageContaining("trailing");
    }

    /**
     * A value whose every component differs from the others of its record (strings and maps name their component,
     * numbers count them), so that a codec that writes or reads two components in each other's place is caught.
     */
    /**
     * Frames that gained components after both recordings were made: how many they had then. Add a frame here when
     * a component is appended to it (its recorded lines stay as they are).
     */
    private static final Map<Class<?>, Integer> RECORDED_COMPONENTS = Map.of(
        dev.messagingnode.rpc.RequestFrame.class, 5); // + directAnswer

    /** {@code sample} as a recorded frame reads back: the components added since at their defaults. */
    private static Object recordedPart(Object sample) throws Exception {
        Class<?> type = sample.getClass();
        RecordComponent[] components = type.getRecordComponents();
        int kept = RECORDED_COMPONENTS.getOrDefault(type, components.length);
        if (kept == components.length) {
            return sample;
        }
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            java.lang.reflect.Method accessor = components[i].getAccessor();
            accessor.setAccessible(true);
            Object value = accessor.invoke(sample);
            args[i] = i < kept ? value : types[i] == boolean.class ? false : types[i] == int.class ? 0
                : types[i] == long.class ? 0L : null;
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        return c.newInstance(args);
    }

    static Object distinctSample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = distinctValue(components[i].getGenericType(), components[i].getName(), i);
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        return c.newInstance(args);
    }

    private static Object distinctValue(Type type, String name, int index) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return name + "-é";
        } else if (raw == int.class) {
            return 7 + index;
        } else if (raw == long.class) {
            return (1L << 40) + index;
        } else if (raw == boolean.class) {
            return index % 2 == 0;
        } else if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[(constants.length - 1 + index) % constants.length];
        } else if (raw == Buffer.class) {
            return Buffer.buffer(new byte[] {0, 1, 2, (byte) 255, (byte) index});
        } else if (raw == Duration.class) {
            return Duration.ofMillis(1500 + index);
        } else if (raw == JsonObject.class) {
            return new JsonObject().put(name, 3 + index);
        } else if (Map.class.isAssignableFrom(raw)) {
            return Map.of(name + "-k", name + "-v");
        } else if (List.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            return List.of(distinctValue(element, name + "0", index), distinctValue(element, name + "1", index + 1));
        } else if (Set.class.isAssignableFrom(raw)) {
            return Set.of(distinctValue(((ParameterizedType) type).getActualTypeArguments()[0], name, index));
        } else if (raw.isRecord()) {
            return distinctSample(raw);
        }
        return name;
    }

    /** A value of every component filled in, so that each one is really written and read. */
    private static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = value(components[i].getGenericType());
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        return c.newInstance(args);
    }

    private static Object value(Type type) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return "text-é";
        } else if (raw == int.class) {
            return 7;
        } else if (raw == long.class) {
            return 1L << 40;
        } else if (raw == boolean.class) {
            return true;
        } else if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[constants.length - 1];
        } else if (raw == Buffer.class) {
            return Buffer.buffer(new byte[] {0, 1, 2, (byte) 255});
        } else if (raw == Duration.class) {
            return Duration.ofMillis(1500);
        } else if (raw == JsonObject.class) {
            return new JsonObject().put("prefetch", 3);
        } else if (Map.class.isAssignableFrom(raw)) {
            return Map.of("k", "v");
        } else if (List.class.isAssignableFrom(raw)) {
            return List.of(value(((ParameterizedType) type).getActualTypeArguments()[0]));
        } else if (Set.class.isAssignableFrom(raw)) {
            return Set.of(value(((ParameterizedType) type).getActualTypeArguments()[0]));
        } else if (raw.isRecord()) {
            return sample(raw);
        }
        return "an object";
    }
}
