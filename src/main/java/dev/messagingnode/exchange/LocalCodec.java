package dev.messagingnode.exchange;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes the node's immutable frames by reference on the local event bus: no copy, no encoding. Frames that cross
 * to another node go through the cluster transport, which has wire codecs of its own, so encoding here is refused
 * on purpose: a frame that reaches it was sent to a remote address by mistake.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

    private final String name;

    private LocalCodec(Class<T> type) {
        this.name = "messaging.local." + type.getName();
    }

    /** Registers the codec for each type as its default; types already registered are left as they are. */
    public static void register(EventBus bus, Class<?>... types) {
        for (Class<?> type : types) {
            registerOne(bus, type);
        }
    }

    private static <T> void registerOne(EventBus bus, Class<T> type) {
        try {
            bus.registerDefaultCodec(type, new LocalCodec<>(type));
        } catch (IllegalStateException alreadyRegistered) {
            // Several clients and the registry share one event bus; the first registration wins.
        }
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
