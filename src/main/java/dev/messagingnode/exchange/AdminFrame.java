package dev.messagingnode.exchange;

/** What a client may ask of a node's {@link ExchangeRegistry} over the event bus at {@link Addresses#ADMIN}. */
public sealed interface AdminFrame {

    /** Create an exchange; same definition again is a no-op, another definition under that name a conflict. */
    record Create(ExchangeDefinition definition) implements AdminFrame {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        public static final FrameCodec<Create> CODEC = FrameCodec.of(Create.class,
            (f, out) -> out.record(f.definition(), ExchangeDefinition.CODEC),
            in -> new Create(in.record(ExchangeDefinition.CODEC)));
    }

    /** Delete an exchange: everyone attached gets exchange-down. */
    record Delete(String name) implements AdminFrame {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        public static final FrameCodec<Delete> CODEC = FrameCodec.of(Delete.class,
            (f, out) -> out.string(f.name()),
            in -> new Delete(in.string()));
    }

    /** List the definitions of all running exchanges. */
    record List() implements AdminFrame {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        public static final FrameCodec<List> CODEC = FrameCodec.of(List.class,
            (f, out) -> { },
            in -> new List());
    }

    /** The answer to {@link List}. */
    record Listing(java.util.List<ExchangeDefinition> exchanges) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        public static final FrameCodec<Listing> CODEC = FrameCodec.of(Listing.class,
            (f, out) -> out.list(f.exchanges(), ExchangeDefinition.CODEC),
            in -> new Listing(in.list(ExchangeDefinition.CODEC)));
    }
}
