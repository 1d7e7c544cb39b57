package dev.messagingnode.http;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP responses that stay open on purpose (SSE subscriptions, waiting long polls), so that a SIGTERM ends them
 * just before the shutdown delay is over. Quarkus waits for open requests before it stops the node (up to
 * {@code quarkus.shutdown.timeout}); ended here, they no longer hold the exit up, and their clients learn at once
 * that they should go elsewhere.
 */
@ApplicationScoped
public class LongLivedResponses {

    private final Vertx vertx;
    private final Duration shutdownDelay;
    private final Set<Runnable> open = ConcurrentHashMap.newKeySet();
    private final List<Runnable> alsoAtShutdown = new CopyOnWriteArrayList<>();

    public LongLivedResponses(Vertx vertx,
                              @ConfigProperty(name = "quarkus.shutdown.delay", defaultValue = "0s") Duration delay) {
        this.vertx = vertx;
        this.shutdownDelay = delay;
    }

    /** Ends the response with {@code endEarly} at shutdown, unless it ended (or its client left) before. */
    void track(RoutingContext rc, Runnable endEarly) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        Runnable once = new Runnable() {
            @Override
            public void run() {
                if (open.remove(this)) {
                    endEarly.run();
                }
            }
        };
        open.add(once);
        rc.addEndHandler(ar -> open.remove(once));
    }

    /**
     * Runs {@code action} at the same moment, for other long-lived connections (the bridges close theirs: a SockJS
     * session is an HTTP request too).
     */
    public void alsoAtShutdown(Runnable action) {
        alsoAtShutdown.add(action);
    }

    /** SIGTERM: everything keeps serving through the delay, and ends 250 ms before it is over. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        vertx.setTimer(Math.max(1, shutdownDelay.toMillis() - 250), id -> {
            alsoAtShutdown.forEach(Runnable::run);
            List.copyOf(open).forEach(Runnable::run);
        });
    }
}
