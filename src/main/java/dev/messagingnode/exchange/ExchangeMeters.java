package dev.messagingnode.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of one exchange. Every series carries {@code exchange} and {@code pattern}; the only other tags are
 * drawn from small closed sets ({@code reason}: a {@link Failure} name; {@code priority}: 0 to 9), so the number of
 * series stays bounded whatever the traffic. All are removed when the exchange stops.
 *
 * <p>Beside the series it keeps the last {@value #REFUSALS_KEPT} refusals with their detail, so that a person can
 * see why producers were turned away without searching the logs ({@link #snapshot}).
 */
public final class ExchangeMeters {

    private final MeterRegistry registry;
    private final String exchange;
    private final String pattern;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Every meter registered here, so that removing them costs their number, not the registry's size. */
    private final List<Meter> owned = new CopyOnWriteArrayList<>();
    /** The newest refusals, oldest first; bounded, written on the exchange's loop, read by {@link #snapshot}. */
    private final ArrayDeque<JsonObject> refusals = new ArrayDeque<>();

    static final int REFUSALS_KEPT = 20;

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

    /**
     * Counts a refusal in {@code counter} (tag {@code reason}) and keeps it, with its detail, among the last
     * {@value #REFUSALS_KEPT}: the oldest is forgotten when a newer one comes.
     */
    public void refused(String counter, Failure reason, String detail) {
        counter(counter, "reason", reason.name()).increment();
        JsonObject refusal = new JsonObject().put("at", System.currentTimeMillis()).put("reason", reason.name())
            .put("code", reason.code()).put("detail", detail);
        synchronized (refusals) {
            if (refusals.size() == REFUSALS_KEPT) {
                refusals.removeFirst();
            }
            refusals.addLast(refusal);
        }
    }

    /**
     * Every series of this exchange by name as {@code /q/metrics} has it ({@code name} or {@code name{tag=value}}
     * for the one extra tag): counters' totals, gauges' values; timers give their count. Then {@code counts}, the
     * pattern-neutral activity that the management page draws ({@link ActivityCounts}), and {@code refusals}, the
     * last ones kept.
     */
    public JsonObject snapshot() {
        JsonObject series = new JsonObject();
        for (Meter m : owned) {
            String key = m.getId().getName();
            for (io.micrometer.core.instrument.Tag t : m.getId().getTags()) {
                if (!t.getKey().equals("exchange") && !t.getKey().equals("pattern")) {
                    key = key + "{" + t.getKey() + "=" + t.getValue() + "}";
                }
            }
            double value = m instanceof Counter c ? c.count() : m instanceof Gauge g ? g.value()
                : m instanceof Timer t ? t.count() : Double.NaN;
            if (!Double.isNaN(value)) {
                series.put(key, value == Math.rint(value) ? (Object) (long) value : (Object) value);
            }
        }
        JsonArray kept;
        synchronized (refusals) {
            kept = new JsonArray(new java.util.ArrayList<>(refusals));
        }
        return new JsonObject().put("series", series).put("counts", ActivityCounts.of(series)).put("refusals", kept);
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
