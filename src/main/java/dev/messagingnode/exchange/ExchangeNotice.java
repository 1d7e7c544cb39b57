package dev.messagingnode.exchange;

/** Tells parties that an exchange came up or went down. */
public record ExchangeNotice(String exchange, Kind kind, String reason) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<ExchangeNotice> CODEC = FrameCodec.of(ExchangeNotice.class,
        (f, out) -> out.string(f.exchange()).name(f.kind()).string(f.reason()),
        in -> new ExchangeNotice(in.string(), in.name(Kind.class), in.string()));

    public enum Kind {
        /** The exchange started: waiting parties register. */
        UP,
        /** The exchange stopped: parties wait for it to come up again. */
        DOWN,
        /** The exchange cut this one party off for good (e.g. a slow subscriber); it does not register again. */
        DISCONNECT
    }

    public static ExchangeNotice up(String exchange) {
        return new ExchangeNotice(exchange, Kind.UP, "started");
    }

    public static ExchangeNotice down(String exchange, String reason) {
        return new ExchangeNotice(exchange, Kind.DOWN, reason);
    }

    public static ExchangeNotice disconnect(String exchange, String reason) {
        return new ExchangeNotice(exchange, Kind.DISCONNECT, reason);
    }
}
