package dev.messagingnode.exchange;

/**
 * A party tells its exchange that it has handled {@code credits} more deliveries, so the exchange may send as many
 * again. This keeps what waits in a party's event-loop queue bounded by its window.
 */
public record CreditFrame(String partyId, int credits) {
}
