package dev.messagingnode.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How exchanges are read from configuration, and how environment variables override and add them. */
class MessagingConfigTest {

    private static SmallRyeConfig config(Map<String, String> properties, Map<String, String> env) {
        return new SmallRyeConfigBuilder()
            .withMapping(MessagingConfig.class)
            .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
            .withSources(new EnvConfigSource(env, 300))
            .build();
    }

    @Test
    void readsExchangesWithPatternAndOptions() {
        MessagingConfig c = config(Map.of(
            "messaging.exchanges.orders.pattern", "request-response",
            "messaging.exchanges.orders.options.request-timeout", "5s",
            "messaging.exchanges.demo-echo.pattern", "request-response"), Map.of())
            .getConfigMapping(MessagingConfig.class);
        assertThat(c.exchanges()).containsOnlyKeys("orders", "demo-echo");
        assertThat(c.exchanges().get("orders").options()).containsEntry("request-timeout", "5s");
        assertThat(c.exchanges().get("demo-echo").options()).isEmpty();
        assertThat(c.demo().enabled()).isFalse();
    }

    @Test
    void environmentVariablesOverrideConfiguredExchanges() {
        MessagingConfig c = config(Map.of(
                "messaging.exchanges.orders.pattern", "request-response",
                "messaging.exchanges.orders.options.request-timeout", "5s",
                "messaging.exchanges.demo-echo.options.max-in-flight", "10",
                "messaging.exchanges.demo-echo.pattern", "request-response"),
            Map.of("MESSAGING_EXCHANGES_ORDERS_OPTIONS_REQUEST_TIMEOUT", "9s",
                "MESSAGING_EXCHANGES_DEMO_ECHO_OPTIONS_MAX_IN_FLIGHT", "20"))
            .getConfigMapping(MessagingConfig.class);
        assertThat(c.exchanges().get("orders").options()).containsEntry("request-timeout", "9s");
        assertThat(c.exchanges().get("demo-echo").options()).containsEntry("max-in-flight", "20");
    }

    @Test
    void environmentVariablesAloneDefineNewExchanges() {
        // A variable cannot tell '-' from '.': without a property to match, '_' inside a quoted ("__") name reads
        // as '.', so option keys come back dotted and the node reads them as dashes (MessagingNode).
        MessagingConfig c = config(Map.of(), Map.of(
            "MESSAGING_EXCHANGES_BILLING_PATTERN", "request-response",
            "MESSAGING_EXCHANGES_BILLING_OPTIONS_MAX_IN_FLIGHT", "7",
            "MESSAGING_EXCHANGES__PRICE_QUOTES__PATTERN", "request-response",
            "MESSAGING_EXCHANGES__PRICE_QUOTES__OPTIONS__REQUEST_TIMEOUT__", "2s"))
            .getConfigMapping(MessagingConfig.class);
        assertThat(c.exchanges()).containsOnlyKeys("billing", "price.quotes");
        assertThat(c.exchanges().get("billing").pattern()).isEqualTo("request-response");
        assertThat(MessagingConfig.optionsOf(c.exchanges().get("billing")))
            .containsExactlyEntriesOf(Map.of("max-in-flight", "7"));
        assertThat(MessagingConfig.optionsOf(c.exchanges().get("price.quotes")))
            .containsExactlyEntriesOf(Map.of("request-timeout", "2s"));
    }
}
