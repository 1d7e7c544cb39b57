package dev.messagingnode.http;

import dev.messagingnode.exchange.ExchangeOptions;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the API reads from HTTP requests: bodies, the tag, message headers and parameters. Conventions: the tag
 * travels as {@code Messaging-Tag} (and comes back unchanged), message headers as {@code Messaging-Header-<name>},
 * the body's {@code Content-Type} as the message header {@code content-type}.
 */
final class Bodies {

    static final String TAG = "Messaging-Tag";
    static final String HEADER_PREFIX = "messaging-header-";

    private Bodies() {
    }

    static Buffer buffer(RoutingContext rc) {
        Buffer body = rc.body().buffer();
        return body == null ? Buffer.buffer() : body;
    }

    static JsonObject json(RoutingContext rc) {
        Buffer body = rc.body().buffer();
        if (body == null || body.length() == 0) {
            throw new MessagingException(Failure.INVALID, "a JSON object body is required");
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject o) {
                return o;
            }
            throw new MessagingException(Failure.INVALID, "the body must be a JSON object");
        } catch (DecodeException e) {
            throw new MessagingException(Failure.INVALID, "the body is not valid JSON: " + e.getMessage());
        }
    }

    static String tag(RoutingContext rc) {
        return rc.request().getHeader(TAG);
    }

    /** Message headers from {@code Messaging-Header-*}, plus the body's content type. */
    static Map<String, String> headers(RoutingContext rc) {
        Map<String, String> headers = new HashMap<>();
        rc.request().headers().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(HEADER_PREFIX) && name.length() > HEADER_PREFIX.length()) {
                headers.put(name.substring(HEADER_PREFIX.length()), h.getValue());
            }
        });
        String original = rc.get(RawBodyFilter.CONTENT_TYPE_KEY);
        String contentType = original != null ? original : rc.request().getHeader("Content-Type");
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        return headers;
    }

    /**
     * Writes message headers back as {@code Messaging-Header-*}, and content-type as Content-Type (bytes,
     * {@code application/octet-stream}, when the message has none).
     */
    static void writeHeaders(io.vertx.core.http.HttpServerResponse response, Map<String, String> headers) {
        response.putHeader("Content-Type", headers.getOrDefault("content-type", "application/octet-stream"));
        headers.forEach((k, v) -> {
            if (!k.equals("content-type")) {
                response.putHeader("Messaging-Header-" + k, v);
            }
        });
    }

    static int intParam(RoutingContext rc, String name, int defaultValue, int min, int max) {
        String v = rc.request().getParam(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new MessagingException(Failure.INVALID, "parameter '" + name + "' must be an integer, got '"
                + v + "'");
        }
        if (n < min || n > max) {
            throw new MessagingException(Failure.INVALID, "parameter '" + name + "' = " + n + " is outside "
                + min + ".." + max);
        }
        return n;
    }

    /** A duration parameter such as {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601 {@code PT5S}. */
    static Duration durationParam(RoutingContext rc, String name, Duration defaultValue, Duration max) {
        String v = rc.request().getParam(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        Duration d = ExchangeOptions.parseDuration(v);
        if (d == null || d.isNegative()) {
            throw new MessagingException(Failure.INVALID, "parameter '" + name + "' must be a duration like 500ms, 5s,"
                + " 2m or PT5S, got '" + v + "'");
        }
        if (max != null && d.compareTo(max) > 0) {
            throw new MessagingException(Failure.INVALID, "parameter '" + name + "' = " + v + " exceeds " + max);
        }
        return d;
    }
}
