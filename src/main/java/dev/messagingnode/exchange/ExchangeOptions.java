package dev.messagingnode.exchange;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an exchange's raw string options into typed values, each with a default and a range, and rejects what it
 * cannot read with a precise {@link Failure#INVALID}. A pattern reads every option it knows and then calls
 * {@link #rejectUnknown()}, so a misspelled key is an error rather than a silently ignored setting.
 */
public final class ExchangeOptions {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String exchange;
    private final Map<String, String> raw;
    private final Set<String> known = new LinkedHashSet<>();

    public ExchangeOptions(String exchange, Map<String, String> raw) {
        this.exchange = exchange;
        this.raw = raw;
    }

    public int intValue(String key, int defaultValue, int min, int max) {
        known.add(key);
        String v = raw.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw invalid(key, v, "a whole number from " + min + " to " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number from " + min + " to " + max);
        }
    }

    /** {@code true} or {@code false}. */
    public boolean bool(String key, boolean defaultValue) {
        known.add(key);
        String v = raw.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, v, "true or false");
        };
    }

    /** An exchange name, or null when the option is absent. */
    public String exchangeName(String key) {
        known.add(key);
        String v = raw.get(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return ExchangeName.validate(v.trim());
        } catch (MessagingException e) {
            throw invalid(key, v, "an exchange name (" + e.detail() + ")");
        }
    }

    /** Durations are written {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        known.add(key);
        String v = raw.get(key);
        if (v == null) {
            return defaultValue;
        }
        Duration d = parseDuration(v);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(key, v, "a duration from " + min.toMillis() + "ms to " + max.toMillis()
                + "ms, written like 250ms, 30s, 5m or PT30S");
        }
        return d;
    }

    public <E extends Enum<E>> E enumValue(String key, E defaultValue) {
        known.add(key);
        String v = raw.get(key);
        if (v == null) {
            return defaultValue;
        }
        for (E e : defaultValue.getDeclaringClass().getEnumConstants()) {
            if (e.name().replace('_', '-').equalsIgnoreCase(v.trim())) {
                return e;
            }
        }
        Set<String> allowed = new TreeSet<>();
        for (E e : defaultValue.getDeclaringClass().getEnumConstants()) {
            allowed.add(e.name().replace('_', '-').toLowerCase());
        }
        throw invalid(key, v, "one of " + allowed);
    }

    /** Fails with {@link Failure#INVALID} naming every key that no read asked for. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(raw.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new MessagingException(Failure.INVALID, "exchange '" + exchange + "': unknown option(s) " + unknown
                + "; known options are " + known);
        }
    }

    public static Duration parseDuration(String v) {
        String s = v.trim();
        Matcher m = DURATION.matcher(s);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private MessagingException invalid(String key, String value, String expected) {
        return new MessagingException(Failure.INVALID,
            "exchange '" + exchange + "': option " + key + "='" + value + "' must be " + expected);
    }
}
