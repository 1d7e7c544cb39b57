package dev.messagingnode.bridge;

import java.time.Duration;

/** The bounds of one bridge connection, read once from {@link BridgeConfig}. */
record BridgeLimits(int maxPerConnection, int maxInFlight, int maxFrameBytes, Duration idleTimeout,
                    Duration writeStallTimeout) {

    static BridgeLimits of(BridgeConfig config) {
        return new BridgeLimits(config.maxPerConnection(), config.maxInFlight(), config.maxFrameBytes(),
            config.idleTimeout(), config.writeStallTimeout());
    }
}
