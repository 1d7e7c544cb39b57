package dev.messagingnode.remoteclient;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The optional parts of a request.
 *
 * @param tag the request's tag (a fresh one when null)
 * @param headers its headers
 * @param timeout how long the node waits for the service's answer (the exchange's {@code request-timeout} when null)
 * @param onChunk where the chunks of a streamed answer go, in order, on the callback thread; when null they are
 *     collected (up to {@link RemoteClientOptions#maxCollectedBytes}) and given by {@link RemoteReply#chunks()}
 */
public record RequestOptions(String tag, Map<String, String> headers, Duration timeout, Consumer<byte[]> onChunk) {

    public static final RequestOptions NONE = new RequestOptions(null, Map.of(), null, null);

    public RequestOptions withTimeout(Duration timeout) {
        return new RequestOptions(tag, headers, timeout, onChunk);
    }

    public RequestOptions withHeaders(Map<String, String> headers) {
        return new RequestOptions(tag, headers, timeout, onChunk);
    }

    public RequestOptions withChunks(Consumer<byte[]> onChunk) {
        return new RequestOptions(tag, headers, timeout, onChunk);
    }
}
