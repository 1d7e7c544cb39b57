package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * Requests within this node to a party or exchange ({@link LocalParties}): handed to it on its context, the answer
 * back on the asking context, the deadline kept here and enforced by one sweep every {@link #SWEEP_MS} for all of
 * them. The event bus, which they went through before, registered a reply handler, set a timer and delivered a
 * message per request; a client's request to its exchange and the exchange's work to a service are two requests per
 * round trip. Requests to any other address (a test's consumer, the admin address) still go through the event bus.
 *
 * <p>What the event bus copies on the way, this copies too: a {@link Buffer}, {@link JsonObject}, {@link JsonArray}
 * or {@code byte[]} sent or answered as the whole body (frames are passed as they are, as the event bus's
 * {@link LocalCodec} passes them). Failures are the event bus's: {@code NO_HANDLERS} when the party has gone,
 * {@code TIMEOUT} past the deadline, {@code RECIPIENT_FAILURE} with the code the party failed it with.
 */
public final class LocalRequests {

    /** How often requests past their deadline are failed: at most this late, as the cluster transport's sweep. */
    public static final long SWEEP_MS = PendingRequests.SWEEP_MS;

    private final Vertx vertx;
    private final LocalParties parties;
    private final PendingRequests pending = new PendingRequests();

    private LocalRequests(Vertx vertx) {
        this.vertx = vertx;
        this.parties = LocalParties.of(vertx);
        vertx.setPeriodic(SWEEP_MS, t -> pending.sweep());
    }

    /** This Vert.x instance's requests. */
    public static LocalRequests of(Vertx vertx) {
        return ((Holder) vertx.sharedData().getLocalMap("messaging.requests")
            .computeIfAbsent("requests", k -> new Holder(new LocalRequests(vertx)))).requests;
    }

    /**
     * Sends {@code frame} to {@code address} and completes with the answer's body, on the calling context (as the
     * event bus does), or fails with the event bus's {@link ReplyException}s.
     */
    public Future<Object> request(String address, Object frame, long timeoutMs) {
        PendingRequests.Opened request = pending.open(vertx, address, timeoutMs, null);
        long id = request.id();
        if (parties.request(address, detached(frame), timeoutMs, new LocalParties.Answer() {
            @Override
            public void reply(Object body) {
                pending.complete(id, detached(body));
            }

            @Override
            public void fail(ReplyException failure) {
                pending.fail(id, failure);
            }
        })) {
            return request.answer();
        }
        pending.discard(id); // not a party's address: the event bus's, with its own timeout
        return vertx.eventBus().request(address, frame, new DeliveryOptions().setSendTimeout(Math.max(1, timeoutMs)))
            .map(Message::body);
    }

    /** Requests waiting for their answer (what a test may look at). */
    int pendingCount() {
        return pending.size();
    }

    /** What the event bus's codecs copy for a local delivery; anything else (frames, strings) as it is. */
    static Object detached(Object body) {
        if (body instanceof Buffer b) {
            return b.copy();
        } else if (body instanceof JsonObject j) {
            return j.copy();
        } else if (body instanceof JsonArray a) {
            return a.copy();
        } else if (body instanceof byte[] bytes) {
            return bytes.clone();
        }
        return body;
    }

    private record Holder(LocalRequests requests) implements Shareable {
    }
}
