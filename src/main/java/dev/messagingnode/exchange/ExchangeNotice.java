package dev.messagingnode.exchange;

/** Tells parties that an exchange came up or went down. */
public record ExchangeNotice(String exchange, Kind kind, String reason) {

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
