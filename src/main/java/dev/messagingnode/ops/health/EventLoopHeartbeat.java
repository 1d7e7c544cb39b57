package dev.messagingnode.ops.health;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Proves that every Vert.x event loop still runs tasks: a timer thread posts a tiny task to each loop every
 * {@code intervalMs}; a loop whose last task ran longer ago than the allowed lag is blocked (a handler that sleeps,
 * spins or waits on I/O). It looks at this process only, never at peers, so a network partition cannot make
 * Kubernetes restart a healthy pod.
 */
public final class EventLoopHeartbeat implements AutoCloseable {

    private final List<EventExecutor> loops = new ArrayList<>();
    private final AtomicLongArray lastBeatNanos;
    private final java.util.concurrent.ScheduledExecutorService ticker;

    public EventLoopHeartbeat(Vertx vertx, long intervalMs) {
        for (EventExecutor loop : ((VertxInternal) vertx).getEventLoopGroup()) {
            loops.add(loop);
        }
        lastBeatNanos = new AtomicLongArray(loops.size());
        long now = System.nanoTime();
        for (int i = 0; i < loops.size(); i++) {
            lastBeatNanos.set(i, now);
        }
        ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "messaging-event-loop-heartbeat");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::beat, 0, intervalMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void beat() {
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            loops.get(i).execute(() -> lastBeatNanos.set(index, System.nanoTime()));
        }
    }

    /** Per event loop, how long ago it last ran a heartbeat, in milliseconds. */
    public long[] lagsMillis() {
        long now = System.nanoTime();
        long[] lags = new long[loops.size()];
        for (int i = 0; i < lags.length; i++) {
            lags[i] = (now - lastBeatNanos.get(i)) / 1_000_000;
        }
        return lags;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
