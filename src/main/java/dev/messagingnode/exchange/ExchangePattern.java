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

    /** The codecs of this pattern's frames that may cross between nodes (see {@link WireCodec}). */
    default java.util.List<FrameCodec<?>> wireCodecs() {
        return java.util.List.of();
    }

    /**
     * True when an exchange of this pattern with these (validated) options is durable: it lives in the Raft log of
     * the node's replica set, and only the leader runs its verticle.
     */
    default boolean durable(Object validatedOptions) {
        return false;
    }

    /** The empty replicated state of a new durable exchange of this pattern. */
    default DurableState newDurableState(ExchangeDefinition definition, Object validatedOptions) {
        throw new UnsupportedOperationException(name() + " has no durable exchanges");
    }

    /** A durable exchange's replicated state as {@link DurableState#writeTo} wrote it into a snapshot. */
    default DurableState readDurableState(ExchangeDefinition definition, Object validatedOptions,
                                          java.io.DataInput in) throws java.io.IOException {
        throw new UnsupportedOperationException(name() + " has no durable exchanges");
    }

    /** A new verticle that runs the exchange; called once the definition has been validated. */
    Verticle create(ExchangeDefinition definition, Object validatedOptions, ExchangeContext context);
}
