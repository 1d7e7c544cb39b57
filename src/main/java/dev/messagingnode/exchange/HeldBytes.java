package dev.messagingnode.exchange;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of messages this node's exchanges hold for later — tasks waiting for a worker or out with one, messages
 * in a sink's buffer or out with its consumer, requests waiting for their service's answer — against one bound for
 * the whole node, {@code messaging.max-held-bytes} (default a sixteenth of the heap). Each exchange's own bounds
 * count messages ({@code max-queued}, {@code buffer-size}, {@code max-in-flight}), and a node runs up to {@code
 * messaging.max-exchanges} of them, so those alone let a client fill the heap with large messages: 166 tasks of 1 MB
 * in one default tasks exchange ended a node of {@code -Xmx512m} in OutOfMemoryError. With this bound the node
 * refuses the message instead (a task, a request, a durable sink's send: OVER_CAPACITY; a transient sink applies its
 * overflow policy), as RabbitMQ's memory alarm blocks publishers and JetStream's {@code max_memory_store} refuses,
 * and takes more once workers, services and consumers have taken some.
 *
 * <p>A sixteenth, because what is counted is each body once, and a durable exchange's body is in memory about twice
 * (a packaged node holding 67 tasks of 1 MB had 141 MB of live byte arrays) and more for a while when the log takes
 * a snapshot of the whole state: at an eighth, a 256 MiB heap ran out with 32 MiB of durable tasks held ({@code
 * LargeTasksHeapTest}; the heap in use grew by about 20 MiB a task from the 23rd on, not profiled further). Counted
 * where an exchange takes a message in and lets it go, on its context; the count itself is shared by every context.
 */
public final class HeldBytes {

    /**
     * What a message counts besides its body: what the node keeps for it whatever its size (its task or envelope
     * object, map entries, its history), roughly, so that many small messages are bounded too: 1,000 exchanges of
     * 100,000 empty tasks each are within every exchange's own bounds.
     */
    public static final int PER_MESSAGE = 128;

    private final AtomicLong held = new AtomicLong();
    private volatile long max = Runtime.getRuntime().maxMemory() / 16;

    private record Holder(HeldBytes bytes) implements Shareable {
    }

    /** This Vert.x instance's (this node's) count. */
    public static HeldBytes of(Vertx vertx) {
        return ((Holder) vertx.sharedData().getLocalMap("messaging.held-bytes")
            .computeIfAbsent("held", k -> new Holder(new HeldBytes()))).bytes;
    }

    /** Sets the bound ({@code messaging.max-held-bytes}). */
    public HeldBytes max(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("messaging.max-held-bytes must be positive, not " + max);
        }
        this.max = max;
        return this;
    }

    public long max() {
        return max;
    }

    /** The bytes held now. */
    public long held() {
        return held.get();
    }

    /** Counts {@code bytes} more if they fit under the bound; false, counting nothing, if they do not. */
    public boolean tryHold(long bytes) {
        long limit = max;
        for (long now = held.get(); ; now = held.get()) {
            if (now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Counts {@code bytes} more whatever the bound: messages the node already owes (a new leader's tasks). */
    public void hold(long bytes) {
        held.addAndGet(bytes);
    }

    /** Stops counting {@code bytes} that were held. */
    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** A new exchange's part of the count. */
    public Share share() {
        return new Share();
    }

    /**
     * One exchange's part of the count: what it holds, given back all at once when it stops ({@link #close}), so
     * that an exchange that goes down with messages in it leaves nothing counted. Used on the exchange's context.
     */
    public final class Share {
        private long here;
        private boolean closed;

        private Share() {
        }

        /**
         * Counts a new message of {@code bodyBytes} (and {@link #PER_MESSAGE}) if it fits under the node's bound;
         * false, counting nothing, when it does not. A closed share refuses nothing (its exchange is stopping, and
         * answers that instead).
         */
        public boolean tryHold(long bodyBytes) {
            if (closed) {
                return true;
            }
            if (!HeldBytes.this.tryHold(bodyBytes + PER_MESSAGE)) {
                return false;
            }
            here += bodyBytes + PER_MESSAGE;
            return true;
        }

        /** Counts a message the exchange already owes, whatever the bound (a new leader's messages). */
        public void hold(long bodyBytes) {
            if (!closed) {
                HeldBytes.this.hold(bodyBytes + PER_MESSAGE);
                here += bodyBytes + PER_MESSAGE;
            }
        }

        /** Stops counting one message of {@code bodyBytes}. */
        public void release(long bodyBytes) {
            if (!closed) {
                HeldBytes.this.release(bodyBytes + PER_MESSAGE);
                here -= bodyBytes + PER_MESSAGE;
            }
        }

        /** The exchange holds nothing from now on: what it counted goes back to the node. */
        public void close() {
            if (!closed) {
                HeldBytes.this.release(here);
                here = 0;
                closed = true;
            }
        }

        /** The detail of a refusal for a message of {@code bodyBytes}. */
        public String refusal(long bodyBytes) {
            return HeldBytes.this.refusal(bodyBytes + PER_MESSAGE);
        }
    }

    /** Why {@code bytes} more were refused: the detail of the refusal a client hears. */
    public String refusal(long bytes) {
        return "this node holds " + held.get() + " bytes of messages for its exchanges and " + bytes + " more would"
            + " pass messaging.max-held-bytes=" + max + "; nothing was accepted: retry once workers or consumers"
            + " have taken some";
    }
}
