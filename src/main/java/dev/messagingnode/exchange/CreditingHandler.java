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
    private final java.util.Map<String, Integer> handled = new java.util.HashMap<>();
    private final Transport transport;

    public CreditingHandler(Vertx vertx, Attachment attachment) {
        this.vertx = vertx;
        this.attachment = attachment;
        this.transport = Transport.of(vertx);
        attachment.patternStateHandler(state -> {
            if (state == Registration.State.ATTACHED) {
                handled.clear(); // a new exchange instance starts with a fresh window
            }
        });
    }

    /** One delivery handled, from the exchange at {@code from} (each host of the exchange keeps its own window). */
    public void handled(String from) {
        int batch = Math.max(1, attachment.terms().getInteger("prefetch", 1) / 4);
        int n = handled.merge(from, 1, Integer::sum);
        if (n >= batch) {
            transport.send(from, new CreditFrame(attachment.id(), n));
            handled.put(from, 0);
        }
    }
}
