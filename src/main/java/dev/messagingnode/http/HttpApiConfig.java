package dev.messagingnode.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code messaging.http.*}: the HTTP API and the bridges' shared settings. */
@ConfigMapping(prefix = "messaging.http")
public interface HttpApiConfig {

    /**
     * When set, every call to the API ({@code /exchanges}, {@code /parties}, {@code /dialogues}, {@code /eventbus})
     * and every bridge frame must carry {@code Authorization: Bearer <token>}. Off by default for the embedded demo.
     */
    Optional<String> authToken();

    /** The longest a {@code next} long poll may wait; a client asking for more gets this. */
    @WithDefault("60s")
    Duration maxPollWait();

    /** How long a remote party lives without a call from its program, unless it asks for another lease. */
    @WithDefault("30s")
    Duration defaultLease();

    /** The longest lease a remote party may ask for. */
    @WithDefault("10m")
    Duration maxLease();

    /** The most remote parties (HTTP and bridges together) this node holds. */
    @WithDefault("10000")
    int maxParties();

    /** The most dialogues HTTP clients keep open on this node at once. */
    @WithDefault("10000")
    int maxDialogues();

    /** A streaming response (chunked reply, SSE) whose client does not read for this long is cut off. */
    @WithDefault("30s")
    Duration writeStallTimeout();

    /** A comment line on idle SSE streams, so proxies do not close them. */
    @WithDefault("15s")
    Duration sseHeartbeat();
}
