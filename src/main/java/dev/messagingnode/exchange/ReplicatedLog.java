package dev.messagingnode.exchange;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * What a durable exchange's leader writes to and reads from: the Raft log of its replica set. {@link #append}
 * completes once the command is committed on a majority of the replicas, fsynced there, and applied to this
 * node's {@link DurableState} of the exchange; it fails with {@link Failure#NO_QUORUM} when this node is not the
 * leader (any more) or cannot reach a majority, and nothing was accepted.
 */
public interface ReplicatedLog {

    /** Appends a command for {@code exchange}; the future carries what its {@link DurableState#apply} answered. */
    Future<byte[]> append(String exchange, byte[] command);

    /**
     * Null while the log's disk has room for more; else why not (what is free, what is kept free). Commands that add
     * to what the exchange owes (an enqueue) are refused then with OVER_CAPACITY; those that settle it (acks) still
     * go, into the space kept free for them.
     */
    String full();

    /** Reads the exchange's state under the log's lock (a copy must be taken inside {@code reader}). */
    <T> T read(String exchange, Function<DurableState, T> reader);
}
