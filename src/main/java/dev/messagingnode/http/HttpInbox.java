package dev.messagingnode.http;

import dev.messagingnode.remote.Outlet;
import dev.messagingnode.remote.RemoteParty;
import dev.messagingnode.remote.WorkItem;
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
    public synchronized void offer(RemoteParty party, WorkItem item) {
        this.party = party;
        if (poller != null) {
            RoutingContext rc = poller;
            clearPoller();
            if (respond(rc, party, item)) {
                return;
            }
        }
        ready.add(item);
    }

    /** Answers at once with the next item, or waits for one up to {@code wait}. */
    synchronized void poll(RemoteParty party, RoutingContext rc, Duration wait) {
        this.party = party;
        lastSeenNanos = System.nanoTime();
        party.letGoOfExpired();
        WorkItem item = ready.poll();
        while (item != null && item.isSettled()) {
            item = ready.poll(); // one of those: nobody waits for its answer
        }
        if (item != null) {
            if (!respond(rc, party, item)) {
                ready.addFirst(item);
            }
            return;
        }
        if (poller != null) {
            RoutingContext old = poller;
            clearPoller();
            old.response().setStatusCode(204).end();
        }
        if (wait.isZero()) {
            rc.response().setStatusCode(204).end();
            return;
        }
        poller = rc;
        pollTimer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> timedOut(rc));
        rc.response().closeHandler(v -> pollerGone(rc));
    }

    @Override
    public synchronized void closed(RemoteParty party, String why) {
        ready.clear();
        if (poller != null) {
            RoutingContext rc = poller;
            clearPoller();
            Problems.send(rc, dev.messagingnode.exchange.Failure.NOT_FOUND, "party " + party.id() + " closed: " + why);
        }
    }

    /** The waiting poll {@code rc}, if still waiting, answers 204 now (its wait ran out, or the node stops). */
    synchronized void timedOut(RoutingContext rc) {
        if (poller == rc) {
            poller = null;
            pollTimer = -1;
            lastSeenNanos = System.nanoTime();
            rc.response().setStatusCode(204).end();
        }
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
        pollTimer = -1;
    }

    /** False when the poll's connection is gone: the item goes back to the head of the queue. */
    private static boolean respond(RoutingContext rc, RemoteParty party, WorkItem item) {
        if (rc.response().closed()) {
            return false;
        }
        rc.response().putHeader("Content-Type", "application/json").end(item.describe(party.id()).encode());
        return true;
    }
}
