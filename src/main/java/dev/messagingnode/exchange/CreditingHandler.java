package dev.messagingnode.exchange;

import io.vertx.core.Vertx;

/**
 * The receiving side of credit: counts handled deliveries and returns them to the exchange in batches of a quarter
 * of the window the exchange granted (its {@code prefetch} term), so credit costs one small message per batch, and
 * the exchange never waits on a credit that a partial batch holds back.
 */
public final class CreditingHandler {

    private final Vertx vertx;
    private final Attachment attachment;
    private int handled;

    public CreditingHandler(Vertx vertx, Attachment attachment) {
        this.vertx = vertx;
        this.attachment = attachment;
        attachment.patternStateHandler(state -> {
            if (state == Registration.State.ATTACHED) {
                handled = 0; // a new exchange instance starts with a fresh window
            }
        });
    }

    /** One delivery handled. */
    public void handled() {
        int batch = Math.max(1, attachment.terms().getInteger("prefetch", 1) / 4);
        if (++handled >= batch) {
            vertx.eventBus().send(Addresses.exchange(attachment.exchange()), new CreditFrame(attachment.id(), handled));
            handled = 0;
        }
    }
}
