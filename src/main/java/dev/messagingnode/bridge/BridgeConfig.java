package dev.messagingnode.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code messaging.bridge.*}: the event bus bridges. Every bound here is in README's bounds table. */
@ConfigMapping(prefix = "messaging.bridge")
public interface BridgeConfig {

    Tcp tcp();

    SockJs sockjs();

    /** The most subscriptions, parties, streams and dialogues (and, apart, addresses) one connection may hold. */
    @WithDefault("256")
    int maxPerConnection();

    /** The most operations of one connection waiting for their answer (requests to slow services...). */
    @WithDefault("1024")
    int maxInFlight();

    /**
     * The largest frame a client may send, in bytes: a little above what the largest {@code max-message-bytes}
     * (1 MiB) takes as base64 in a JSON frame. A longer length prefix closes the connection before its body is read.
     */
    @WithDefault("2097152")
    int maxFrameBytes();

    /** The most bridge connections (TCP and SockJS together); one more is told so and closed. */
    @WithDefault("10000")
    int maxConnections();

    /** A connection that sends no frame for this long is closed; clients send {@code ping} to stay. */
    @WithDefault("60s")
    Duration idleTimeout();

    /** A connection whose write queue stays full (the client does not read) this long is closed. */
    @WithDefault("30s")
    Duration writeStallTimeout();

    interface Tcp {
        /** The TCP event bus bridge (the protocol of the Python, Go, C# and Node TCP bridge clients). */
        @WithDefault("true")
        boolean enabled();

        /** Its port; 0 picks a free one (logged). */
        @WithDefault("7000")
        int port();

        @WithDefault("0.0.0.0")
        String host();
    }

    interface SockJs {
        /** The SockJS event bus bridge under {@code /eventbus} on the HTTP port (browsers, Node). */
        @WithDefault("true")
        boolean enabled();
    }
}
