package dev.messagingnode.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * The node's typed configuration under {@code messaging.}. Every key can be overridden by an environment variable
 * (the usual MicroProfile rule: upper case, every non-alphanumeric character as {@code _}; see README).
 */
@ConfigMapping(prefix = "messaging")
public interface MessagingConfig {

    /** The exchanges this node creates at start, by name. */
    Map<String, ExchangeConfig> exchanges();

    /** The demo services of the embedded default. */
    Demo demo();

    /**
     * The options of a configured exchange with their keys as the patterns know them. Environment variables
     * cannot tell '-' from '.', so a key that arrives as {@code request.timeout} is read as {@code request-timeout};
     * no option name contains a '.'.
     */
    static Map<String, String> optionsOf(ExchangeConfig exchange) {
        Map<String, String> options = new java.util.TreeMap<>();
        exchange.options().forEach((k, v) -> options.put(k.replace('.', '-'), v));
        return options;
    }

    interface ExchangeConfig {
        /** {@code request-response} (later also {@code pubsub}, {@code sink}, {@code tasks}). */
        String pattern();

        /** Pattern options, e.g. {@code request-timeout=5s}; unknown keys stop the node at start. */
        Map<String, String> options();
    }

    interface Demo {
        /** Registers demo services on the demo exchanges (off in tests and production overlays). */
        @WithDefault("false")
        boolean enabled();
    }
}
