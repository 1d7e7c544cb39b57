package dev.messagingnode.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code messaging.bridge.*}: the event bus bridges. */
@ConfigMapping(prefix = "messaging.bridge")
public interface BridgeConfig {

    Tcp tcp();

    SockJs sockjs();

    /** The most subscriptions, parties, streams and dialogues one bridge connection may hold at once. */
    @WithDefault("256")
    int maxPerConnection();

    interface Tcp {
        /** The TCP event bus bridge (the protocol of the Python, Go, C# and Node TCP bridge clients). */
        @WithDefault("true")
        boolean enabled();

        /** Its port; 0 picks a free one (tests). */
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
