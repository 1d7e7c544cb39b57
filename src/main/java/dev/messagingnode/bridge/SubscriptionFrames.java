package dev.messagingnode.bridge;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.remote.MessageJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The frames of one subscription's deliveries to its connection. On the binary framing the header's members that
 * never change (type, address, subscription) are written once, the first time, and each delivery writes only its
 * own ({@link HeaderWriter#delivery}): building a JSON tree per delivery and writing it whole, long addresses and
 * ids included, was a third of the node's CPU under pub-sub fan-out (JFR). On the JSON framings a delivery is the
 * same frame as a tree, as before; the header is the same, member for member, either way.
 */
final class SubscriptionFrames {

    private final String address;
    private final String subscription;
    private byte[] prefix;

    SubscriptionFrames(String address, String subscription) {
        this.address = address;
        this.subscription = subscription;
    }

    /** Where the client receives the deliveries. */
    String address() {
        return address;
    }

    /** The delivery's whole frame in the binary framing, its {@code type} being {@code type}. */
    Buffer binary(String type, Delivery d, long dropped) {
        if (prefix == null) {
            prefix = HeaderWriter.pushPrefix(type, address, subscription);
        }
        return HeaderWriter.delivery(prefix, d.envelope(), d.key(), dropped);
    }

    /** The delivery's body for a JSON framing (the connection puts the push frame around it). */
    JsonObject body(Delivery d, long dropped) {
        return MessageJson.rawEnvelope(d.envelope()).put("subscription", subscription).put("key", d.key())
            .put("dropped", dropped);
    }
}
