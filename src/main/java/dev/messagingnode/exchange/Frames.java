package dev.messagingnode.exchange;

import io.vertx.core.Vertx;

/** Registers the local codecs of the frames that the exchange model itself sends. */
public final class Frames {

    /** The frames of the exchange model that may cross between nodes. */
    public static final java.util.List<Class<?>> WIRE_TYPES = java.util.List.of(RegisterFrame.class,
        UnregisterFrame.class, PingFrame.class, ExchangeNotice.class, CreditFrame.class, Delivery.class,
        DeadLetterFrame.class, AdminFrame.Create.class, AdminFrame.Delete.class, AdminFrame.List.class,
        AdminFrame.Listing.class, InfoFrame.class, ExchangeInfo.class, DetailFrame.class);

    private Frames() {
    }

    public static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), RegisterFrame.class, UnregisterFrame.class, PingFrame.class,
            ExchangeNotice.class, AdminFrame.Create.class, AdminFrame.Delete.class, AdminFrame.List.class,
            AdminFrame.Listing.class, CreditFrame.class, Delivery.class,
            DeadLetterFrame.class, InfoFrame.class, ExchangeInfo.class, DetailFrame.class);
    }
}
