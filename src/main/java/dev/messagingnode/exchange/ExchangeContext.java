package dev.messagingnode.exchange;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the node gives every exchange it starts: where to count what happens, and the replicated log durable
 * exchanges keep their state in (null where this node has none: durable exchanges are refused then).
 */
public record ExchangeContext(MeterRegistry meters, ReplicatedLog log) {

    public ExchangeContext(MeterRegistry meters) {
        this(meters, null);
    }
}
