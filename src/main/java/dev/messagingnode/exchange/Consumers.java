package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;

/** Small helpers around Vert.x 4 consumers. */
public final class Consumers {

    private Consumers() {
    }

    /** Completes when the consumer's registration has propagated (at once on a local event bus). */
    public static Future<Void> registered(MessageConsumer<?> consumer) {
        Promise<Void> p = Promise.promise();
        consumer.completionHandler(p);
        return p.future();
    }
}
