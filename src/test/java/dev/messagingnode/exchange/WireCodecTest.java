package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.node.StandardPatterns;
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
