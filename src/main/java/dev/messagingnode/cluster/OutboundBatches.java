package dev.messagingnode.cluster;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The transport's messages to each other node, gathered per event-loop turn: what the event loops send to one node
 * while they work through their tasks travels as one cluster message, sent when the turn ends (NATS' server flushes
 * each client once per read in the same way, and nats.java's writer writes what has accumulated). Each cluster
 * message costs JGroups a message object, a sequence number kept until acknowledged, headers written and read, and
 * the receiver one hand-over to an event loop; under load a node sends tens of thousands of small frames a second to
 * the same peer (requests, work items, settles, credits, fan-outs), and those costs were per frame.
 *
 * <p><b>Order.</b> One batch per destination, appended to under its lock in the order the senders call: a message
 * is never sent before one that an earlier call gave for the same node, whichever thread gave it. A sender that is
 * not on an event loop (a worker, a JGroups thread, a test's own thread) sends the batch pending for that node and
 * then its own message at once, so nobody waits for a turn that is not coming.
 *
 * <p><b>When it is sent.</b> A sender on an event loop asks its loop to run a flush after the tasks already queued
 * (once per turn, whatever the number of destinations), so a batch waits at most for the end of the turn that
 * started it; the first flush to run sends it, later ones find it empty. A batch of one message is sent as that
 * message, so a quiet link (one request in flight) sees no batch at all.
 *
 * <p><b>Bounds.</b> A batch is sent as soon as the next message would take it past {@link #MAX_BATCH_BYTES}; a
 * message of {@link #ALONE_BYTES} or more (a chunk of a chunked response) is sent on its own, after the batch pending
 * for its node. So a batch buffer never holds more than {@code MAX_BATCH_BYTES} per destination, and large messages
 * are not copied once more.
 *
 * <pre>
 *   batch := BATCH(1 byte) then, per message: length(4) message(length bytes)    (2 or more messages)
 * </pre>
 * A peer is sent batches only when it announced that it reads them ({@link ClusterTransport#TRANSPORT_FORMAT});
 * a node of an earlier release gets each message on its own, as before.
 */
final class OutboundBatches {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OutboundBatches.class);

    /** The first byte of a batch; the transport's own message kinds are 1-4. */
    static final byte BATCH = 5;
    /** Below JGroups' fragment size (FRAG4's 60,000 bytes), so that a batch is never cut into fragments. */
    static final int MAX_BATCH_BYTES = 56 * 1024;
    static final int ALONE_BYTES = 16 * 1024;

    /** The batches this thread has added to since its loop last flushed (event-loop threads only). */
    private static final ThreadLocal<List<Batch>> TOUCHED = ThreadLocal.withInitial(ArrayList::new);

    private final Cluster cluster;
    private final String topic;
    private final Predicate<String> readsBatches;
    private final Map<String, Batch> byNode = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> sentTo = new ConcurrentHashMap<>();

    /** One destination's pending messages, and the buffer they are written into (reused: the cluster copies it). */
    private final class Batch {
        final String node;
        final Buffer buffer = Buffer.buffer(MAX_BATCH_BYTES / 4);
        int count;

        Batch(String node) {
            this.node = node;
        }

        /** Sends what it holds: nothing, one message as it is, or a batch. The caller holds its lock. */
        void flush() {
            try {
                if (count == 1) {
                    transmit(node, buffer.slice(5, buffer.length()));
                } else if (count > 1) {
                    transmit(node, buffer);
                }
            } finally {
                clear(); // sent, or lost to the failure: never sent twice, never left to grow
            }
        }

        void clear() {
            count = 0;
            ((io.vertx.core.buffer.impl.BufferImpl) buffer).byteBuf().clear();
        }
    }

    /**
     * @param readsBatches whether a node reads batches (it announced a transport format that has them); a node that
     *                     does not gets every message on its own
     */
    OutboundBatches(Cluster cluster, String topic, Predicate<String> readsBatches) {
        this.cluster = cluster;
        this.topic = topic;
        this.readsBatches = readsBatches;
    }

    /**
     * Sends {@code message} to {@code node} after every message given for that node before it: within this event
     * loop's turn, or at once where the caller is not on an event loop. The message is read during the call only.
     */
    void send(String node, Buffer message) {
        EventLoop loop = currentEventLoop();
        Batch b = byNode.computeIfAbsent(node, Batch::new);
        boolean schedule;
        synchronized (b) {
            if (loop == null || message.length() >= ALONE_BYTES || !readsBatches.test(node)) {
                b.flush();
                transmit(node, message);
                return;
            }
            if (b.buffer.length() + 4 + message.length() > MAX_BATCH_BYTES) {
                b.flush();
            }
            if (b.count == 0) {
                b.buffer.appendByte(BATCH);
            }
            b.buffer.appendInt(message.length()).appendBuffer(message);
            b.count++;
            List<Batch> touched = TOUCHED.get();
            schedule = touched.isEmpty();
            if (!touched.contains(b)) {
                touched.add(b);
            }
        }
        if (schedule) {
            try {
                loop.execute(OutboundBatches::flushTouched);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                flushTouched(); // the loop is shutting down: nothing pending is left behind
            }
        }
    }

    private void transmit(String node, Buffer payload) {
        sentTo.computeIfAbsent(node, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        cluster.send(node, topic, payload);
    }

    /** Cluster messages sent to {@code node} (batches and single messages): what a benchmark or test may count. */
    long sentTo(String node) {
        java.util.concurrent.atomic.AtomicLong n = sentTo.get(node);
        return n == null ? 0 : n.get();
    }

    /** Sends what this thread's batches hold; run by its loop once the tasks queued before it are done. */
    private static void flushTouched() {
        List<Batch> touched = TOUCHED.get();
        try {
            for (int i = 0; i < touched.size(); i++) {
                Batch b = touched.get(i);
                synchronized (b) {
                    try {
                        b.flush();
                    } catch (RuntimeException e) {
                        // One destination's failure costs that batch (its requests fail at their deadline), not the
                        // other destinations' batches.
                        LOG.warnf(e, "a batch for %s could not be sent; its messages are lost", b.node);
                    }
                }
            }
        } finally {
            // Always: a list left non-empty would never schedule this thread's flush again, and its later
            // messages would wait in their batches until another thread happened to flush them.
            touched.clear();
        }
    }

    /** Forgets a node that left (its batch, if any, was for a node that is gone). */
    void forget(String node) {
        Batch b = byNode.remove(node);
        if (b != null) {
            synchronized (b) {
                b.clear();
            }
        }
    }

    /** The Netty event loop this thread runs, when it is one and runs a Vert.x event-loop context now; else null. */
    private static EventLoop currentEventLoop() {
        if (!Context.isOnEventLoopThread()) {
            return null;
        }
        Context context = Vertx.currentContext();
        if (!(context instanceof ContextInternal c) || !c.isEventLoopContext()) {
            return null;
        }
        EventLoop loop = c.nettyEventLoop();
        return loop.inEventLoop() ? loop : null;
    }

    /**
     * Calls {@code each} with every message of a received cluster message: the message itself, or each one of a
     * batch. A batch whose lengths do not fit its bytes ends at the first that does not (what came before it is
     * handled), and false is returned.
     */
    static boolean unbatch(Buffer received, java.util.function.Consumer<Buffer> each) {
        if (received.length() == 0 || received.getByte(0) != BATCH) {
            each.accept(received);
            return true;
        }
        int pos = 1;
        while (pos < received.length()) {
            if (received.length() - pos < 4) {
                return false;
            }
            int length = received.getInt(pos);
            pos += 4;
            if (length <= 0 || length > received.length() - pos) {
                return false;
            }
            each.accept(received.slice(pos, pos + length));
            pos += length;
        }
        return true;
    }
}
