package dev.messagingnode.rpc;

import dev.messagingnode.exchange.ExchangeMeters;
import dev.messagingnode.exchange.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** What one request-response exchange counts (see {@link ExchangeMeters} for the tags). */
final class RpcMetrics {

    private final ExchangeMeters meters;
    private final Counter accepted;
    private final Counter answered;
    private final Timer latency;

    RpcMetrics(ExchangeMeters meters) {
        this.meters = meters;
        this.accepted = meters.counter("messaging.requests.accepted");
        this.answered = meters.counter("messaging.requests.answered");
        this.latency = meters.latency("messaging.request.latency",
            "Time from accepting a request to forwarding the service's first answer");
    }

    void accepted() {
        accepted.increment();
    }

    void answered(long startNanos) {
        answered.increment();
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void refused(Failure reason, String detail) {
        meters.refused("messaging.requests.refused", reason, detail);
    }

    void failed(Failure reason) {
        meters.counter("messaging.requests.failed", "reason", reason.name()).increment();
    }

    void gauge(String name, java.util.function.Supplier<Number> value) {
        meters.gauge(name, value);
    }
}
