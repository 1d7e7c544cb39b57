package dev.messagingnode.cluster.route;

import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Which event loop sends most of a route's messages, counted over a window ({@link OutboundRoute} follows it). The
 * route moves to the loop that, over a window of {@link Routes#FOLLOW_WINDOW_MS} with at least
 * {@link Routes#FOLLOW_MIN_SENDS} messages, sent three quarters of them or more: a move costs a connection's set-up,
 * so it is made for a lasting majority only, and traffic shared among loops leaves the route where it is. Every loop
 * that sends is counted, so a loop that happens to send first in a window does not hide the one that sends most.
 * Not thread-safe: its route calls it under its own lock.
 */
final class FollowWindow {

    private final LongSupplier windowNanos;
    private long start = System.nanoTime();
    private int total;
    /** The loops that sent in this window and how many each: a handful (grown as needed, up to the node's loops). */
    private EventLoop[] loops = new EventLoop[8];
    private int[] counts = new int[8];
    private int distinct;

    FollowWindow(LongSupplier windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Counts one message sent from {@code loop}. */
    void count(EventLoop loop) {
        total++;
        for (int i = 0; i < distinct; i++) {
            if (loops[i] == loop) {
                counts[i]++;
                return;
            }
        }
        if (distinct == loops.length) {
            loops = Arrays.copyOf(loops, distinct * 2);
            counts = Arrays.copyOf(counts, distinct * 2);
        }
        loops[distinct] = loop;
        counts[distinct++] = 1;
    }

    /**
     * Once the window is over: the loop other than {@code current} that had three quarters or more of at least
     * {@link Routes#FOLLOW_MIN_SENDS} messages, or null; a new window starts. Null before the window is over.
     */
    EventLoop majority(EventLoop current) {
        long now = System.nanoTime();
        if (now - start < windowNanos.getAsLong()) {
            return null;
        }
        EventLoop found = null;
        if (total >= Routes.FOLLOW_MIN_SENDS) {
            for (int i = 0; i < distinct; i++) {
                if (counts[i] * 4L >= total * 3L && loops[i] != current) {
                    found = loops[i];
                }
            }
        }
        start = now;
        total = 0;
        Arrays.fill(loops, 0, distinct, null);
        distinct = 0;
        return found;
    }
}
