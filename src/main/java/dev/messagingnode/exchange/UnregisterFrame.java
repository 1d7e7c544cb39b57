package dev.messagingnode.exchange;

/** A party leaves an exchange on purpose. */
public record UnregisterFrame(String partyId) {
}
