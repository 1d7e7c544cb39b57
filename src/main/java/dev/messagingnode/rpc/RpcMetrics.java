package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one request-response exchange counts. Every series carries {@code exchange} and {@code pattern}; refusals
 * and failures carry {@code reason}, one of the {@link Failure} names, so the tag set stays bounded.
 */
final class RpcMetrics {

    private final Counter accepted;
    private final Counter answered;
    private final Map<Failure, Counter> refused = new EnumMap<>(Failure.class);
    private final Map<Failure, Counter> failed = new EnumMap<>(Failure.class);
    private final Timer latency;
    private final MeterRegistry meters;
    private final String exchange;

    RpcMetrics(MeterRegistry meters, String exchange) {
        this.meters = meters;
        this.exchange = exchange;
        this.accepted = counter("messaging.requests.accepted");
        this.answered = counter("messaging.requests.answered");
        this.latency = Timer.builder("messaging.request.latency")
            .description("Time from accepting a request to forwarding the service's first answer")
            .tags("exchange", exchange, "pattern", RequestResponsePattern.NAME)
            .publishPercentileHistogram()
            .register(meters);
    }

    void accepted() {
        accepted.increment();
    }

    void answered(long startNanos) {
        answered.increment();
        latency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void refused(Failure reason) {
        refused.computeIfAbsent(reason, r -> counter("messaging.requests.refused", "reason", r.name())).increment();
    }

    void failed(Failure reason) {
        failed.computeIfAbsent(reason, r -> counter("messaging.requests.failed", "reason", r.name())).increment();
    }

    void gauge(String name, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value)
            .tags("exchange", exchange, "pattern", RequestResponsePattern.NAME)
            .register(meters);
    }

    void remove() {
        meters.getMeters().stream()
            .filter(m -> exchange.equals(m.getId().getTag("exchange")))
            .forEach(meters::remove);
    }

    private Counter counter(String name, String... extraTags) {
        return Counter.builder(name)
            .tags("exchange", exchange, "pattern", RequestResponsePattern.NAME)
            .tags(extraTags)
            .register(meters);
    }
}
