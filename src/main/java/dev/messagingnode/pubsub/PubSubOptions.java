package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeOptions;
import java.time.Duration;

/**
 * The options of a pubsub exchange.
 *
 * @param subscriberPrefetch   deliveries a subscriber may have received and not yet handled; the exchange sends no
 *                             more until it handles some (credit)
 * @param subscriberBuffer     deliveries held at the exchange for one subscriber beyond its prefetch; what happens
 *                             when it is full is the {@code slowSubscriberPolicy}
 * @param slowSubscriberPolicy {@code drop-oldest}: drop the oldest held delivery and count it (the subscriber sees
 *                             the count on its next delivery); {@code disconnect}: cut the subscriber off with a
 *                             notice
 * @param maxMessageBytes      a larger publish is refused with TOO_LARGE
 */
public record PubSubOptions(int subscriberPrefetch, int subscriberBuffer, SlowSubscriberPolicy slowSubscriberPolicy,
                            int maxMessageBytes, Duration partyCheckInterval) {

    public enum SlowSubscriberPolicy { DROP_OLDEST, DISCONNECT }

    public static final String SUBSCRIBER_PREFETCH = "subscriber-prefetch";
    public static final String SUBSCRIBER_BUFFER = "subscriber-buffer";
    public static final String SLOW_SUBSCRIBER_POLICY = "slow-subscriber-policy";
    public static final String MAX_MESSAGE_BYTES = "max-message-bytes";
    public static final String PARTY_CHECK_INTERVAL = "party-check-interval";

    public static PubSubOptions from(ExchangeDefinition definition) {
        ExchangeOptions o = new ExchangeOptions(definition.name(), definition.options());
        PubSubOptions options = new PubSubOptions(
            o.intValue(SUBSCRIBER_PREFETCH, 256, 1, 65_536),
            o.intValue(SUBSCRIBER_BUFFER, 1024, 0, 1_000_000),
            o.enumValue(SLOW_SUBSCRIBER_POLICY, SlowSubscriberPolicy.DROP_OLDEST),
            o.intValue(MAX_MESSAGE_BYTES, 1024 * 1024, 0, 64 * 1024 * 1024),
            o.duration(PARTY_CHECK_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)));
        o.rejectUnknown();
        return options;
    }
}
