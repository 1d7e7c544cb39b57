package dev.messagingnode.exchange;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * Base of the pattern-specific registrations (subscriptions, sink consumers, workers): the {@link Registration}
 * part is the {@link Attachment}'s.
 */
public abstract class AttachedParty implements Registration {

    protected final Attachment attachment;

    protected AttachedParty(Attachment attachment) {
        this.attachment = attachment;
    }

    @Override
    public String exchange() {
        return attachment.exchange();
    }

    @Override
    public String id() {
        return attachment.id();
    }

    @Override
    public State state() {
        return attachment.state();
    }

    @Override
    public Future<Void> attached() {
        return attachment.attached();
    }

    @Override
    public Registration stateHandler(Handler<State> handler) {
        attachment.stateHandler(handler);
        return this;
    }

    @Override
    public String detachedReason() {
        return attachment.detachedReason();
    }

    @Override
    public Future<Void> unregister() {
        return attachment.unregister();
    }
}
