package dev.messagingnode.exchange;

/** What a client may ask of a node's {@link ExchangeRegistry} over the event bus at {@link Addresses#ADMIN}. */
public sealed interface AdminFrame {

    /** Create an exchange; same definition again is a no-op, another definition under that name a conflict. */
    record Create(ExchangeDefinition definition) implements AdminFrame {
    }

    /** Delete an exchange: everyone attached gets exchange-down. */
    record Delete(String name) implements AdminFrame {
    }

    /** List the definitions of all running exchanges. */
    record List() implements AdminFrame {
    }

    /** The answer to {@link List}. */
    record Listing(java.util.List<ExchangeDefinition> exchanges) {
    }
}
