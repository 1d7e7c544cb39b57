package dev.messagingnode.exchange;

import io.vertx.core.Future;

/**
 * Where the registry sends the definitions of durable exchanges: they are not created on a node but committed to
 * the replica set's log, and the leader runs them (see {@code durable.DurableExchanges}).
 */
public interface DurableCatalog {

    /**
     * Commits the definition (CONFLICT when the log holds another one of that name); completes once a node runs it,
     * or fails NO_QUORUM when the replica set cannot commit now.
     */
    Future<Void> define(ExchangeDefinition definition);

    /** The names of every durable exchange the log holds. */
    java.util.Set<String> names();

    /** True when the log holds a durable exchange of that name. */
    boolean owns(String name);

    /** Commits the deletion; every replica forgets the exchange and what it held. */
    Future<Void> delete(String name);
}
