package dev.messagingnode.cluster.jgroups;

import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.protocols.Bundler;
import org.jgroups.protocols.NoBundler;
import org.jgroups.protocols.PerDestinationBundler;
import org.jgroups.protocols.TP;

/**
 * How JGroups' transport writes our messages: a small one by the thread that sends it, a large one (a fragment of a
 * chunk) by a sending thread per destination.
 *
 * <p>Small messages are what requests, answers, deliveries and credit travel in, one batch per event-loop turn
 * ({@code OutboundBatches}): handing each to a sending thread first cost a thread wake-up on every cluster hop,
 * latency that request-response and credit-bound work wait on twice per round trip. Written by the sender, they go
 * straight to the connection. That is safe only because the transport's connections never block a writer
 * ({@code TCP_NIO2}: a write the socket cannot take now is kept in the connection's bounded buffer and finished by its
 * selector; beyond that bound the message is dropped and UNICAST3 sends it again), so an event loop never waits on a
 * slow or unreachable peer here.
 *
 * <p>Large messages keep a thread per destination: the fragments of a 1 MiB chunk, written by the event loop that
 * produced the chunk, would hold that loop for the whole copy into the socket, and the sending thread lets the next
 * chunk be produced meanwhile (two nodes, 256 MiB in chunks of 1 MiB: ~25 % more throughput with it). A small
 * message may overtake a large one queued for the same member; UNICAST3 hands them up in the order they were sent.
 */
final class SizeSplitBundler implements Bundler {

    /**
     * Messages this large or larger go through the sending thread: a chunk's fragments, a chunk that travels alone
     * (OutboundBatches' threshold too), and the fullest batches, sent under load, where a sending thread costs no
     * latency that anyone waits on and spreads the copying over a second core.
     */
    static final int DIRECT_BELOW_BYTES = 16 * 1024;

    private final Bundler direct;
    private final Bundler queued;

    SizeSplitBundler() {
        this(new NoBundler(), new PerDestinationBundler());
    }

    /** {@code direct} writes on the sender's thread, {@code queued} on a thread of its own (tests pass their own). */
    SizeSplitBundler(Bundler direct, Bundler queued) {
        this.direct = direct;
        this.queued = queued;
    }

    @Override
    public void init(TP transport) {
        direct.init(transport);
        queued.init(transport);
    }

    @Override
    public void start() {
        direct.start();
        queued.start();
    }

    @Override
    public void stop() {
        queued.stop();
        direct.stop();
    }

    @Override
    public void send(Message msg) throws Exception {
        if (msg.getLength() < DIRECT_BELOW_BYTES) {
            direct.send(msg);
        } else {
            queued.send(msg);
        }
    }

    @Override
    public void viewChange(View view) {
        queued.viewChange(view);
    }

    @Override
    public int size() {
        return queued.size();
    }

    @Override
    public int getQueueSize() {
        return queued.getQueueSize();
    }

    @Override
    public int getMaxSize() {
        return queued.getMaxSize();
    }
}
