package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.impl.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Requests waiting for their answer, each until its deadline, failed by one {@link #sweep} for all of them rather
 * than a timer each (the transports sweep every {@link #SWEEP_MS}). Each is answered on the context that asked, as a
 * request on the event bus is: callers keep unsynchronised state on their own context (a chunked response's queue
 * raced its credit when an answer came on another). An answer for a request no longer here (timed out) is dropped.
 */
public final class PendingRequests {

    /** How often the transports fail what is past its deadline: a request fails at most this late. */
    public static final long SWEEP_MS = 25;

    /** A request waiting: answered through {@code reply}; {@code node} where it went (for a node that leaves). */
    private record Pending(Promise<Object> reply, long deadline, String address, long timeoutMs, String node) {
    }

    /** A request just opened: the id its answer comes back with, and the answer. */
    public record Opened(long id, Future<Object> answer) {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /**
     * Opens a request to {@code address} (on {@code node}, or null within this node) from the calling context,
     * failing with {@code TIMEOUT} after {@code timeoutMs} (at least 1).
     */
    public Opened open(Vertx vertx, String address, long timeoutMs, String node) {
        long id = ids.incrementAndGet();
        Promise<Object> reply = ((ContextInternal) vertx.getOrCreateContext()).promise();
        long ms = Math.max(1, timeoutMs);
        pending.put(id, new Pending(reply, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms), address, ms, node));
        return new Opened(id, reply.future());
    }

    /** The answer to request {@code id}; false when it is no longer waiting. */
    public boolean complete(long id, Object body) {
        Pending p = pending.remove(id);
        return p != null && p.reply().tryComplete(body);
    }

    /** The failure of request {@code id}; false when it is no longer waiting. */
    public boolean fail(long id, Throwable failure) {
        Pending p = pending.remove(id);
        return p != null && p.reply().tryFail(failure);
    }

    /** Forgets request {@code id} without answering it (it went another way). */
    public void discard(long id) {
        pending.remove(id);
    }

    /** Fails every request that went to {@code node} (it left: no answer will come). */
    public void failTo(String node, Supplier<ReplyException> failure) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (node.equals(e.getValue().node()) && pending.remove(e.getKey(), e.getValue())) {
                e.getValue().reply().tryFail(failure.get());
            }
        }
    }

    /** Fails the requests past their deadline with {@code TIMEOUT}. */
    public void sweep() {
        if (pending.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (now - p.deadline() >= 0 && pending.remove(e.getKey(), p)) {
                p.reply().tryFail(new ReplyException(ReplyFailure.TIMEOUT, "timed out after " + p.timeoutMs()
                    + "ms waiting for " + p.address()));
            }
        }
    }

    /** Requests waiting. */
    public int size() {
        return pending.size();
    }
}
