package dev.messagingnode.exchange;

import io.vertx.core.Vertx;

/** Registers the local codecs of the frames that the exchange model itself sends. */
public final class Frames {

    /** The frames of the exchange model that may cross between nodes. */
    public static final java.util.List<FrameCodec<?>> WIRE_CODECS = java.util.List.of(RegisterFrame.CODEC,
        UnregisterFrame.CODEC, PingFrame.CODEC, ExchangeNotice.CODEC, CreditFrame.CODEC, Delivery.CODEC,
        DeadLetterFrame.CODEC, AdminFrame.Create.CODEC, AdminFrame.Delete.CODEC, AdminFrame.List.CODEC,
        AdminFrame.Listing.CODEC, InfoFrame.CODEC, ExchangeInfo.CODEC, DetailFrame.CODEC);

    private Frames() {
    }

    public static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), RegisterFrame.class, UnregisterFrame.class, PingFrame.class,
            ExchangeNotice.class, AdminFrame.Create.class, AdminFrame.Delete.class, AdminFrame.List.class,
            AdminFrame.Listing.class, CreditFrame.class, Delivery.class,
            DeadLetterFrame.class, InfoFrame.class, ExchangeInfo.class, DetailFrame.class);
    }
}
