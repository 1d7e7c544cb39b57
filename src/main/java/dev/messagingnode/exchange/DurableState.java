package dev.messagingnode.exchange;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The replicated state of one durable exchange: what it owes, changed only by commands of the Raft log (DESIGN:
 * "Durable exchanges"). Every replica applies the same commands in the same order and must end in the same state,
 * so {@link #apply} and {@link #leaderChanged} look at nothing but their arguments and the state itself: no clock,
 * no randomness, no I/O. Time-based decisions are taken by the leader and arrive here as commands carrying the time.
 *
 * <p>Called on the Raft group's own thread, one call at a time; the exchange's verticle reads it only through
 * {@link ReplicatedLog#read}, which holds the same lock.
 */
public interface DurableState {

    /** Applies one command of this exchange; the answer goes back to whoever appended it (null for none). */
    byte[] apply(DataInput command) throws IOException;

    /**
     * A new leader took over (its first command): deliveries that were in flight belong to no worker any more.
     */
    void leaderChanged();

    /** Writes the whole state into a snapshot; {@link ExchangePattern#readDurableState} reads it back. */
    void writeTo(DataOutput out) throws IOException;
}
