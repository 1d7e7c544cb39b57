package dev.messagingnode.exchange;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The patterns a node knows, by name. */
public final class Patterns {

    private final Map<String, ExchangePattern> byName = new TreeMap<>();

    public Patterns(Collection<? extends ExchangePattern> patterns) {
        for (ExchangePattern p : patterns) {
            byName.put(p.name(), p);
        }
    }

    public static Patterns of(ExchangePattern... patterns) {
        return new Patterns(List.of(patterns));
    }

    /** Installs every pattern's node-wide parts on this Vert.x instance. */
    public void installNode(io.vertx.core.Vertx vertx) {
        byName.values().forEach(p -> p.installNode(vertx));
    }

    /** The codec for every frame that may cross between nodes: the model's and every pattern's. */
    public WireCodec wireCodec() {
        List<FrameCodec<?>> codecs = new java.util.ArrayList<>(Frames.WIRE_CODECS);
        byName.values().forEach(p -> codecs.addAll(p.wireCodecs()));
        return new WireCodec(codecs);
    }

    /** True when exchanges of that pattern run on one node at a time (see {@link ExchangePattern#singleOwner()}). */
    public boolean isSingleOwner(String name) {
        ExchangePattern p = name == null ? null : byName.get(name);
        return p != null && p.singleOwner();
    }

    /**
     * True when that definition makes a durable exchange (see {@link ExchangePattern#durable}); false for a bad
     * definition too, whose creation fails with its own reason.
     */
    public boolean isDurable(ExchangeDefinition definition) {
        ExchangePattern p = byName.get(definition.pattern());
        if (p == null) {
            return false;
        }
        try {
            return p.durable(p.validate(definition));
        } catch (MessagingException e) {
            return false;
        }
    }

    /** The pattern of that name, or {@link Failure#INVALID} listing the known ones. */
    public ExchangePattern get(String name) {
        ExchangePattern p = name == null ? null : byName.get(name);
        if (p == null) {
            throw new MessagingException(Failure.INVALID,
                "unknown pattern '" + name + "'; known patterns are " + byName.keySet());
        }
        return p;
    }
}
