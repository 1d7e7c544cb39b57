package dev.messagingnode.exchange;

import io.vertx.core.Vertx;

/** Registers the local codecs of the frames that the exchange model itself sends. */
public final class Frames {

    private Frames() {
    }

    public static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), RegisterFrame.class, UnregisterFrame.class, PingFrame.class,
            ExchangeNotice.class, AdminFrame.Create.class, AdminFrame.Delete.class, AdminFrame.List.class,
            AdminFrame.Listing.class, CreditFrame.class, Delivery.class,
            DeadLetterFrame.class);
    }
}
