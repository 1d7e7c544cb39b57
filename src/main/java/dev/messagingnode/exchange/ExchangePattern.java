package dev.messagingnode.exchange;

import io.vertx.core.Verticle;

/**
 * A message exchange pattern, registered by name in {@link Patterns} (the role {@code rabbit_exchange_type} plays
 * in RabbitMQ). The registry calls {@link #validate} when an exchange is defined, from configuration or at run
 * time, and {@link #create} to get the verticle that runs it.
 */
public interface ExchangePattern {

    /** The name used in definitions, e.g. {@code request-response}. */
    String name();

    /**
     * Checks the options of a definition of this pattern and returns them typed.
     *
     * @throws MessagingException with {@link Failure#INVALID} naming the bad option
     */
    Object validate(ExchangeDefinition definition);

    /**
     * True when an exchange of this pattern must run on one node at a time (it holds state that two copies would
     * split, like a task queue); false when copies on several nodes may serve side by side.
     */
    default boolean singleOwner() {
        return false;
    }

    /**
     * Called once per node when its registry starts, for node-wide parts of a pattern that must exist whether or
     * not an exchange of the pattern runs here (a replica store, say).
     */
    default void installNode(io.vertx.core.Vertx vertx) {
    }

    /** The frames of this pattern that may cross between nodes (see {@link WireCodec}). */
    default java.util.List<Class<?>> wireTypes() {
        return java.util.List.of();
    }

    /** A new verticle that runs the exchange; called once the definition has been validated. */
    Verticle create(ExchangeDefinition definition, Object validatedOptions, ExchangeContext context);
}
