package dev.messagingnode.sink;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeOptions;
import java.time.Duration;

/**
 * The options of a sink exchange.
 *
 * @param bufferSize       messages waiting for the consumer (none attached, or it is behind); when full, the
 *                         {@code overflow} policy drops one and counts it
 * @param overflow         {@code drop-oldest} keeps the newest messages, {@code drop-newest} keeps the oldest
 * @param batchSize        the consumer gets up to this many messages at once
 * @param batchDelay       how long a partial batch may wait to fill up; 0 sends what is there at once
 * @param consumerPrefetch batches the consumer may have received and not yet acknowledged
 * @param maxMessageBytes  a larger message is refused with TOO_LARGE
 * @param durable          false (the default): the buffer lives in this node's memory and is lost with it; true: in
 *                         the replica set's Raft log (every message owed survives restarts and kill -9 of a minority),
 *                         one active consumer across the cluster
 */
public record SinkOptions(int bufferSize, Overflow overflow, int batchSize, Duration batchDelay, int consumerPrefetch,
                          int maxMessageBytes, Duration partyCheckInterval, boolean durable) {

    public enum Overflow { DROP_OLDEST, DROP_NEWEST }

    public static final String BUFFER_SIZE = "buffer-size";
    public static final String OVERFLOW = "overflow";
    public static final String BATCH_SIZE = "batch-size";
    public static final String BATCH_DELAY = "batch-delay";
    public static final String CONSUMER_PREFETCH = "consumer-prefetch";
    public static final String MAX_MESSAGE_BYTES = "max-message-bytes";
    public static final String PARTY_CHECK_INTERVAL = "party-check-interval";
    public static final String DURABLE = "durable";

    public static SinkOptions from(ExchangeDefinition definition) {
        ExchangeOptions o = new ExchangeOptions(definition.name(), definition.options());
        SinkOptions options = new SinkOptions(
            o.intValue(BUFFER_SIZE, 10_000, 1, 10_000_000),
            o.enumValue(OVERFLOW, Overflow.DROP_OLDEST),
            o.intValue(BATCH_SIZE, 1, 1, 10_000),
            o.duration(BATCH_DELAY, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1)),
            o.intValue(CONSUMER_PREFETCH, 8, 1, 10_000),
            o.intValue(MAX_MESSAGE_BYTES, 1024 * 1024, 0, 64 * 1024 * 1024),
            o.duration(PARTY_CHECK_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)),
            o.bool(DURABLE, false));
        o.rejectUnknown();
        return options;
    }
}
