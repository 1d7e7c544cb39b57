package dev.messagingnode.testing;

import dev.messagingnode.client.MessagingClient;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A party on a worker thread of its own, so that a test can make it really slow (blocked on a latch) without
 * blocking an event loop. The setup function registers the party with the given client.
 */
public final class BlockingWorker extends AbstractVerticle {

    public final CountDownLatch release = new CountDownLatch(1);
    private final Function<MessagingClient, ?> setup;
    public volatile Object registration;

    public BlockingWorker(Function<MessagingClient, ?> setup) {
        this.setup = setup;
    }

    @Override
    public void start() {
        registration = setup.apply(MessagingClient.create(vertx));
    }

    /** Blocks the calling (worker) thread until {@link #release} is counted down, at most 20 s. */
    public void block() {
        try {
            release.await(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String deploy(Vertx vertx) {
        return LocalNode.await(vertx.deployVerticle(this, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)));
    }
}
