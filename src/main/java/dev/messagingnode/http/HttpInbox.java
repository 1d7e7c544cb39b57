package dev.messagingnode.http;

import dev.messagingnode.remote.MessageJson;
import dev.messagingnode.remote.Outlet;
import dev.messagingnode.remote.RemoteParty;
import dev.messagingnode.remote.WorkItem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The long-poll inbox of one remote party over HTTP. Items wait here until the program asks for the next one; a
 * {@code next} that finds none waits up to its {@code wait} and answers 204. One poll waits at a time: a second
 * replaces the first, which gets 204. The queue needs no bound of its own: it holds only items the party holds,
 * and the party holds at most its limit.
 *
 * <p>Lease: the party lives while its program calls; each call (or a poll waiting) renews it, and the sweeper of
 * {@link PartyRoutes} closes a party whose lease ran out, giving its work back.
 */
final class HttpInbox implements Outlet {

    private final Vertx vertx;
    private final Duration lease;
    private final ArrayDeque<WorkItem> ready = new ArrayDeque<>();
    private RemoteParty party;
    private RoutingContext poller;
    /** The context of the waiting poll's request: its response is written there, and only there. */
    private Context pollerContext;
    private long pollTimer = -1;
    private long lastSeenNanos = System.nanoTime();

    HttpInbox(Vertx vertx, Duration lease) {
        this.vertx = vertx;
        this.lease = lease;
    }

    Duration lease() {
        return lease;
    }

    synchronized void touch() {
        lastSeenNanos = System.nanoTime();
    }

    synchronized boolean expired(long nowNanos) {
        return poller == null && nowNanos - lastSeenNanos > lease.toNanos();
    }

    synchronized int waiting() {
        return ready.size();
    }

    @Override
    public void offer(RemoteParty party, WorkItem item) {
        hand(party, item, false);
    }

    /**
     * Gives {@code item} to the waiting poll, or queues it ({@code first}: at the head, an item its poll could not
     * take). A response is never touched while this inbox's monitor is held, and always on its own context: Vert.x's
     * HTTP/2 connection calls a response's close handler holding the connection's lock, and {@code closed()} takes that
     * lock, so an offer from another event loop holding the monitor deadlocked both loops (DurableTasksIT, once).
     */
    private void hand(RemoteParty party, WorkItem item, boolean first) {
        RoutingContext rc;
        Context on;
        synchronized (this) {
            this.party = party;
            if (poller == null) {
                if (first) {
                    ready.addFirst(item);
                } else {
                    ready.add(item);
                }
                return;
            }
            rc = poller;
            on = pollerContext;
            clearPoller();
        }
        on.runOnContext(v -> {
            if (!respond(rc, party, item)) {
                hand(party, item, true);
            }
        });
    }

    /** Answers at once with the next item, or waits for one up to {@code wait}. On the request's context. */
    void poll(RemoteParty party, RoutingContext rc, Duration wait) {
        WorkItem item;
        RoutingContext replaced = null;
        Context replacedOn = null;
        synchronized (this) {
            this.party = party;
            lastSeenNanos = System.nanoTime();
            party.letGoOfExpired();
            item = ready.poll();
            while (item != null && item.isSettled()) {
                item = ready.poll(); // one of those: nobody waits for its answer
            }
            if (item == null) {
                if (poller != null) {
                    replaced = poller;
                    replacedOn = pollerContext;
                    clearPoller();
                }
                if (!wait.isZero()) {
                    poller = rc;
                    pollerContext = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
                    pollTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> timedOut(rc));
                }
            }
        }
        if (item != null) {
            if (!respond(rc, party, item)) {
                hand(party, item, true);
            }
            return;
        }
        if (replaced != null) {
            RoutingContext old = replaced;
            replacedOn.runOnContext(v -> old.response().setStatusCode(204).end());
        }
        if (wait.isZero()) {
            rc.response().setStatusCode(204).end();
            return;
        }
        rc.response().closeHandler(v -> pollerGone(rc));
    }

    @Override
    public void closed(RemoteParty party, String why) {
        RoutingContext rc;
        Context on;
        synchronized (this) {
            ready.clear();
            if (poller == null) {
                return;
            }
            rc = poller;
            on = pollerContext;
            clearPoller();
        }
        on.runOnContext(v -> Problems.send(rc, dev.messagingnode.exchange.Failure.NOT_FOUND, "party " + party.id()
            + " closed: " + why));
    }

    /** The waiting poll {@code rc}, if still waiting, answers 204 now (its wait ran out, or the node stops). */
    void timedOut(RoutingContext rc) {
        Context on;
        synchronized (this) {
            if (poller != rc) {
                return;
            }
            on = pollerContext;
            poller = null;
            pollerContext = null;
            pollTimer = -1;
            lastSeenNanos = System.nanoTime();
        }
        on.runOnContext(v -> rc.response().setStatusCode(204).end());
    }

    private synchronized void pollerGone(RoutingContext rc) {
        if (poller == rc) {
            clearPoller();
            lastSeenNanos = System.nanoTime();
        }
    }

    private void clearPoller() {
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        poller = null;
        pollerContext = null;
        pollTimer = -1;
    }

    /** False when the poll's connection is gone: the item goes back to the head of the queue. */
    private static boolean respond(RoutingContext rc, RemoteParty party, WorkItem item) {
        if (rc.response().closed()) {
            return false;
        }
        rc.response().putHeader("Content-Type", "application/json").end(MessageJson.textify(item.describe(party.id()))
            .encode());
        return true;
    }
}
