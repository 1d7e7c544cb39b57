package dev.messagingnode.tasks;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeOptions;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import java.time.Duration;

/**
 * The options of a tasks exchange.
 *
 * @param maxQueued          tasks waiting for a worker (all priorities, delayed ones included); one more is
 *                           refused at once with OVER_CAPACITY
 * @param ackTimeout         a delivery not acked, nacked or extended (in-progress) within this is taken back and
 *                           redelivered; the worker's late ack is refused with NOT_HELD
 * @param maxDeliveries      deliveries a task may have; when the last one is nacked or times out the task goes to
 *                           the dead-letter exchange (or is dropped and counted when there is none)
 * @param deadLetterExchange a tasks or sink exchange, or null
 * @param maxPrefetch        the largest prefetch limit a worker may ask for
 * @param durable            true (the default): the tasks live in the replica set's Raft log and survive restarts
 *                           and the loss of a minority of replicas; false: in one node's memory, lost with it
 */
public record TasksOptions(int maxQueued, Duration ackTimeout, int maxDeliveries, String deadLetterExchange,
                           int maxPrefetch, int maxMessageBytes, Duration partyCheckInterval, boolean durable) {

    public static final String DURABLE = "durable";
    public static final String MAX_QUEUED = "max-queued";
    public static final String ACK_TIMEOUT = "ack-timeout";
    public static final String MAX_DELIVERIES = "max-deliveries";
    public static final String DEAD_LETTER_EXCHANGE = "dead-letter-exchange";
    public static final String MAX_PREFETCH = "max-prefetch";
    public static final String MAX_MESSAGE_BYTES = "max-message-bytes";
    public static final String PARTY_CHECK_INTERVAL = "party-check-interval";

    public static TasksOptions from(ExchangeDefinition definition) {
        ExchangeOptions o = new ExchangeOptions(definition.name(), definition.options());
        TasksOptions options = new TasksOptions(
            o.intValue(MAX_QUEUED, 100_000, 1, 10_000_000),
            o.duration(ACK_TIMEOUT, Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofHours(24)),
            o.intValue(MAX_DELIVERIES, 5, 1, 1000),
            o.exchangeName(DEAD_LETTER_EXCHANGE),
            o.intValue(MAX_PREFETCH, 1000, 1, 100_000),
            o.intValue(MAX_MESSAGE_BYTES, 1024 * 1024, 0, 64 * 1024 * 1024),
            o.duration(PARTY_CHECK_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)),
            o.bool(DURABLE, true));
        o.rejectUnknown();
        if (definition.name().equals(options.deadLetterExchange())) {
            throw new MessagingException(Failure.INVALID, "exchange '" + definition.name()
                + "': option dead-letter-exchange may not name the exchange itself");
        }
        return options;
    }
}
