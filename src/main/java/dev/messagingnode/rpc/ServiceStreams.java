package dev.messagingnode.rpc;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunked responses one service registration has open. When the service unregisters (its verticle stops, the
 * node shuts down) they end with an error frame, so each requester learns at once that its stream is incomplete
 * instead of waiting for stream-idle-timeout.
 */
final class ServiceStreams {

    private final Set<ChunkedResponse> open = ConcurrentHashMap.newKeySet();

    void track(ChunkedResponse response) {
        open.add(response);
        response.onFinished(() -> open.remove(response));
    }

    /** Fails every open stream with {@code detail}; completes when each requester was told (or could not be). */
    Future<Void> failAll(String detail) {
        List<Future<Void>> told = new ArrayList<>();
        for (ChunkedResponse r : List.copyOf(open)) {
            Promise<Void> p = Promise.promise();
            r.context().runOnContext(v -> r.fail(detail).onComplete(ar -> p.complete()));
            told.add(p.future());
        }
        return Future.join(told).mapEmpty();
    }
}
