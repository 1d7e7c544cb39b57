package dev.messagingnode.remoteclient;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A message delivered to a subscription or to a sink consumer.
 *
 * @param exchange the exchange it was published or sent to
 * @param key its routing key (pub-sub; null for a sink)
 * @param tag the publisher's or the subscription's tag, or null
 * @param headers its headers
 * @param message its body, as the publisher sent it
 * @param dropped how many deliveries before this one were dropped for this subscriber (it was too slow)
 */
public record RemoteDelivery(String exchange, String key, String tag, Map<String, String> headers, byte[] message,
                             long dropped) {

    static RemoteDelivery of(Map<String, Object> body) {
        return new RemoteDelivery(Fields.text(body, "exchange"), Fields.text(body, "key"), Fields.text(body, "tag"),
            Fields.headers(body), Fields.message(body), Fields.number(body, "dropped", 0));
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(message, StandardCharsets.UTF_8);
    }
}
