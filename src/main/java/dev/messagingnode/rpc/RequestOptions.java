package dev.messagingnode.rpc;

import java.time.Duration;
import java.util.Map;

/**
 * Per-request settings.
 *
 * @param timeout how long to wait for the service's first answer and for each later dialogue turn; null means
 *                the exchange's request-timeout
 * @param headers string headers carried in the envelope
 */
public record RequestOptions(Duration timeout, Map<String, String> headers) {

    public static final RequestOptions DEFAULT = new RequestOptions(null, Map.of());

    public RequestOptions {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static RequestOptions timeout(Duration timeout) {
        return new RequestOptions(timeout, Map.of());
    }

    public RequestOptions withHeader(String name, String value) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put(name, value);
        return new RequestOptions(timeout, h);
    }

    long timeoutMs() {
        return timeout == null ? 0 : Math.max(1, timeout.toMillis());
    }
}
