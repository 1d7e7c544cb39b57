package dev.messagingnode.exchange;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an exchange is: its name, its pattern and its raw options, as given in configuration or at run time.
 * Two definitions are the same when all three are equal; creating an existing exchange with the same definition
 * is a no-op, with another one a {@link Failure#CONFLICT}.
 */
public record ExchangeDefinition(String name, String pattern, Map<String, String> options) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<ExchangeDefinition> CODEC = FrameCodec.of(ExchangeDefinition.class,
        (f, out) -> out.string(f.name()).string(f.pattern()).strings(f.options()),
        in -> new ExchangeDefinition(in.string(), in.string(), in.strings()));

    public ExchangeDefinition {
        options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
    }

    public static ExchangeDefinition of(String name, String pattern) {
        return new ExchangeDefinition(name, pattern, Map.of());
    }

    public ExchangeDefinition withOption(String key, String value) {
        Map<String, String> copy = new TreeMap<>(options);
        copy.put(key, value);
        return new ExchangeDefinition(name, pattern, copy);
    }
}
