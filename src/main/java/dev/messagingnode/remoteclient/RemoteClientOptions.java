package dev.messagingnode.remoteclient;

import java.time.Duration;

/**
 * Where the node is and the client's bounds. Every queue of the client has one: a caller that outruns the socket
 * waits ({@link #writeQueueFrames}), a handler that is slower than the node makes the node wait (handlers run on the
 * reader thread: while one runs nothing more is read, and the node drops subscription deliveries and holds back the
 * rest, as for any slow bridge client), and at most {@link #maxInFlight} operations wait for their answer (one more
 * is refused at once, {@code OVER_CAPACITY}, as the node refuses it).
 *
 * @param host the node's TCP bridge host
 * @param port its port ({@code messaging.bridge.tcp.port}, 7000)
 * @param token the node's {@code messaging.http.auth-token}, or null for an open node
 * @param maxInFlight operations waiting for their answer (the node's {@code messaging.bridge.max-in-flight})
 * @param writeQueueFrames frames waiting for the socket
 * @param operationTimeout how long an answer may take beyond a request's own timeout before it fails TIMED_OUT
 * @param reconnectMin the first wait before reconnecting; it doubles up to {@code reconnectMax}
 * @param reconnectMax the longest wait between two reconnection attempts
 * @param maxFrameBytes the longest frame read from the node (its {@code messaging.bridge.max-frame-bytes})
 * @param maxCollectedBytes chunks of a streamed reply kept for a caller that gave no chunk handler
 */
public record RemoteClientOptions(String host, int port, String token, int maxInFlight, int writeQueueFrames,
                                  Duration operationTimeout, Duration reconnectMin,
                                  Duration reconnectMax, int maxFrameBytes, long maxCollectedBytes) {

    public static RemoteClientOptions of(String host, int port) {
        return new RemoteClientOptions(host, port, null, 1024, 4096, Duration.ofSeconds(30),
            Duration.ofMillis(100), Duration.ofSeconds(5), 64 * 1024 * 1024, 64L * 1024 * 1024);
    }

    public RemoteClientOptions withToken(String token) {
        return new RemoteClientOptions(host, port, token, maxInFlight, writeQueueFrames,
            operationTimeout, reconnectMin, reconnectMax, maxFrameBytes, maxCollectedBytes);
    }

    public RemoteClientOptions withMaxInFlight(int maxInFlight) {
        return new RemoteClientOptions(host, port, token, maxInFlight, writeQueueFrames,
            operationTimeout, reconnectMin, reconnectMax, maxFrameBytes, maxCollectedBytes);
    }

    public RemoteClientOptions withReconnect(Duration min, Duration max) {
        return new RemoteClientOptions(host, port, token, maxInFlight, writeQueueFrames,
            operationTimeout, min, max, maxFrameBytes, maxCollectedBytes);
    }

    public RemoteClientOptions withOperationTimeout(Duration operationTimeout) {
        return new RemoteClientOptions(host, port, token, maxInFlight, writeQueueFrames,
            operationTimeout, reconnectMin, reconnectMax, maxFrameBytes, maxCollectedBytes);
    }
}
