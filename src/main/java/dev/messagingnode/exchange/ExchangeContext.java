package dev.messagingnode.exchange;

import io.micrometer.core.instrument.MeterRegistry;

/** What the node gives every exchange it starts: where to count what happens. */
public record ExchangeContext(MeterRegistry meters) {
}
