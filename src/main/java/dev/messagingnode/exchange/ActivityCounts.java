package dev.messagingnode.exchange;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What every pattern does, counted in one vocabulary, so that a person (the management page) can compare exchanges
 * of different patterns: messages or requests or tasks that came in ({@code published}), went out to a party
 * ({@code delivered}), were settled by a worker ({@code acked}), were turned away ({@code refused}) or were let go
 * at a bound ({@code dropped}). Each is the sum of the pattern's own series (see README "Metrics"), whatever their
 * extra tag.
 */
public final class ActivityCounts {

    private static final Map<String, List<String>> SERIES = Map.of(
        "published", List.of("messaging.published", "messaging.received", "messaging.requests.accepted",
            "messaging.tasks.enqueued"),
        "delivered", List.of("messaging.delivered", "messaging.requests.answered", "messaging.tasks.delivered"),
        "acked", List.of("messaging.tasks.acked"),
        "refused", List.of("messaging.refused", "messaging.requests.refused", "messaging.tasks.refused"),
        "dropped", List.of("messaging.dropped"));

    private ActivityCounts() {
    }

    /** The five counts from an exchange's series, keyed {@code name} or {@code name{tag=value}}. */
    static JsonObject of(JsonObject series) {
        JsonObject counts = new JsonObject();
        SERIES.forEach((count, names) -> {
            long sum = 0;
            for (Map.Entry<String, Object> e : series) {
                int brace = e.getKey().indexOf('{');
                String name = brace < 0 ? e.getKey() : e.getKey().substring(0, brace);
                if (names.contains(name) && e.getValue() instanceof Number n) {
                    sum += n.longValue();
                }
            }
            counts.put(count, sum);
        });
        return counts;
    }
}
