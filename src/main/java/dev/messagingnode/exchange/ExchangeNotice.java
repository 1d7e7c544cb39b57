package dev.messagingnode.exchange;

/** Tells parties that an exchange came up or went down. */
public record ExchangeNotice(String exchange, Kind kind, String reason) {

    public enum Kind { UP, DOWN }

    public static ExchangeNotice up(String exchange) {
        return new ExchangeNotice(exchange, Kind.UP, "started");
    }

    public static ExchangeNotice down(String exchange, String reason) {
        return new ExchangeNotice(exchange, Kind.DOWN, reason);
    }
}
