package dev.messagingnode.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The bound on how long a streaming response (chunked reply, SSE) may stay full: a client that does not read holds
 * its connection's write queue full; past {@code messaging.http.write-stall-timeout} the connection is cut, which
 * cancels the stream (its service stops) or ends the subscription. One timer per stalled response, none while it
 * drains normally.
 */
final class WriteStall {

    private static final Logger LOG = Logger.getLogger(WriteStall.class);

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final Duration timeout;
    private final String what;
    private long timer = -1;

    WriteStall(Vertx vertx, HttpServerResponse response, Duration timeout, String what) {
        this.vertx = vertx;
        this.response = response;
        this.timeout = timeout;
        this.what = what;
    }

    /** The write queue is full: waits for it to drain, then runs {@code resume}; cuts the connection past the bound. */
    synchronized void full(Runnable resume) {
        if (timer < 0) {
            timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> stalled());
        }
        response.drainHandler(v -> {
            drained();
            resume.run();
        });
    }

    private synchronized void drained() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private synchronized void stalled() {
        timer = -1;
        if (!response.closed()) {
            LOG.warnf("HTTP %s cut off: the client has not read for %d s (messaging.http.write-stall-timeout)", what,
                timeout.toSeconds());
            response.reset();
        }
    }
}
