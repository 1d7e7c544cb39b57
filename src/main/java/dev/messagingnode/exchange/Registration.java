package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * A party's attachment to an exchange: a service on a request-response exchange (later a subscriber, worker or
 * sink consumer). It outlives the exchange: on exchange-down it becomes {@link State#DETACHED}, and it registers
 * again by itself as soon as an exchange of that name comes up, including one created after the party started.
 */
public interface Registration {

    enum State {
        /** The register request is on its way. */
        ATTACHING,
        /** The exchange knows the party and sends it work. */
        ATTACHED,
        /** The exchange is missing or went down; the registration waits for it to come up. */
        DETACHED,
        /** Unregistered for good. */
        CLOSED
    }

    String exchange();

    /** The party id the exchange knows this registration by. */
    String id();

    State state();

    /**
     * Completes the first time the registration is attached; fails when the exchange refuses it (for instance a
     * service on an exchange of another pattern). Does not fail merely because the exchange does not exist yet.
     */
    Future<Void> attached();

    /** Called on every change of state, e.g. to log exchange-down. */
    Registration stateHandler(Handler<State> handler);

    /** Why the registration last became {@link State#DETACHED}. */
    String detachedReason();

    /** Leaves the exchange; no more work arrives once the returned future completes. */
    Future<Void> unregister();
}
