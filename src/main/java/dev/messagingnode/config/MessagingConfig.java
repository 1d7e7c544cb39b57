package dev.messagingnode.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The node's typed settings under {@code messaging.}, except the exchanges: those are read by
 * {@link ConfiguredExchanges}, because a map keyed by exchange name cannot be read back unambiguously from
 * environment variables (see there).
 */
@ConfigMapping(prefix = "messaging.demo")
public interface MessagingConfig {

    /** Registers demo services on the demo exchanges (off in tests and production overlays). */
    @WithDefault("false")
    boolean enabled();
}
