package dev.messagingnode.durable;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The bound on commands handed to jgroups-raft. RAFT keeps its work in one bounded queue ({@code
 * processing_queue_max_size}, 9182) shared by our appends and the followers' answers, and refuses an append when it
 * is full ("processing queue is full"): an ack or a delivery record refused that way would leave the leader's
 * exchange and the log apart. So at most {@link #maxInFlight} commands are inside RAFT (appended and not yet
 * committed) at once, well under its queue, and the rest wait here in the order they came, so that the commands of
 * an exchange stay in order. What waits is bounded by what producers and workers may have outstanding; past
 * {@link #maxWaiting} the group refuses new enqueues ({@link #overloaded()}) while settling commands still go in.
 */
final class AppendGate {

    private final int maxInFlight;
    private final int maxWaiting;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean pumping;

    AppendGate(int maxInFlight, int maxWaiting) {
        this.maxInFlight = maxInFlight;
        this.maxWaiting = maxWaiting;
    }

    /** Runs {@code append} (a RAFT append) once a slot is free, after every command admitted before it. */
    CompletableFuture<byte[]> admit(Callable<CompletableFuture<byte[]>> append) {
        Pending p = new Pending(append);
        synchronized (this) {
            waiting.add(p);
            pump();
        }
        return p.result;
    }

    /** Null while commands move; else why a new enqueue is refused. */
    synchronized String overloaded() {
        return waiting.size() < maxWaiting ? null : waiting.size() + " commands wait for the durable log (at most "
            + maxInFlight + " are being committed at once): its disk or its replicas are slower than the producers;"
            + " nothing was accepted, retry";
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Hands waiting commands to RAFT while slots are free. Called under the lock; a command that completes at once
     * (RAFT refused it) frees its slot inside this loop, which the flag keeps from recursing.
     */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (inFlight < maxInFlight && !waiting.isEmpty()) {
                Pending p = waiting.poll();
                inFlight++;
                CompletableFuture<byte[]> f;
                try {
                    f = p.append.call();
                } catch (Exception e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((answer, t) -> {
                    synchronized (this) {
                        inFlight--;
                        pump();
                    }
                    if (t == null) {
                        p.result.complete(answer);
                    } else {
                        p.result.completeExceptionally(t);
                    }
                });
            }
        } finally {
            pumping = false;
        }
    }

    private static final class Pending {
        final Callable<CompletableFuture<byte[]>> append;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Pending(Callable<CompletableFuture<byte[]>> append) {
            this.append = append;
        }
    }
}
