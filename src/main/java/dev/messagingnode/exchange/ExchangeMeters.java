package dev.messagingnode.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of one exchange. Every series carries {@code exchange} and {@code pattern}; the only other tags are
 * drawn from small closed sets ({@code reason}: a {@link Failure} name; {@code priority}: 0 to 9), so the number of
 * series stays bounded whatever the traffic. All are removed when the exchange stops.
 */
public final class ExchangeMeters {

    private final MeterRegistry registry;
    private final String exchange;
    private final String pattern;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Every meter registered here, so that removing them costs their number, not the registry's size. */
    private final List<Meter> owned = new CopyOnWriteArrayList<>();

    public ExchangeMeters(MeterRegistry registry, String exchange, String pattern) {
        this.registry = registry;
        this.exchange = exchange;
        this.pattern = pattern;
    }

    /** A counter, e.g. {@code messaging.published}. */
    public Counter counter(String name) {
        return counters.computeIfAbsent(name, n -> own(Counter.builder(n).tags(tags()).register(registry)));
    }

    /** A counter with one more tag, e.g. {@code reason=NO_SERVICE}. */
    public Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + tag + '=' + value,
            n -> own(Counter.builder(name).tags(tags()).tag(tag, value).register(registry)));
    }

    public void gauge(String name, Supplier<Number> value) {
        own(Gauge.builder(name, value).tags(tags()).strongReference(true).register(registry));
    }

    public void gauge(String name, String tag, String tagValue, Supplier<Number> value) {
        own(Gauge.builder(name, value).tags(tags()).tag(tag, tagValue).strongReference(true).register(registry));
    }

    public Timer latency(String name, String description) {
        return own(Timer.builder(name).description(description).tags(tags()).publishPercentileHistogram()
            .register(registry));
    }

    /** Removes every series of this exchange, so a deleted exchange leaves nothing behind. */
    public void removeAll() {
        owned.forEach(registry::remove);
        owned.clear();
        counters.clear();
    }

    private <M extends Meter> M own(M meter) {
        owned.add(meter);
        return meter;
    }

    private String[] tags() {
        return new String[] {"exchange", exchange, "pattern", pattern};
    }
}
