package dev.messagingnode.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.exchange.ExchangeDefinition;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How exchanges are read from configuration, and how environment variables override and add them. */
class ConfiguredExchangesTest {

    private static List<ExchangeDefinition> read(Map<String, String> properties, Map<String, String> env) {
        var config = new SmallRyeConfigBuilder()
            .withProfile("test")
            .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
            .withSources(new EnvConfigSource(env, 300))
            .build();
        return ConfiguredExchanges.read(config, env);
    }

    @Test
    void readsExchangesWithPatternAndOptionsIncludingDottedNames() {
        List<ExchangeDefinition> defs = read(Map.of(
            "messaging.exchanges.orders.pattern", "request-response",
            "messaging.exchanges.orders.options.request-timeout", "5s",
            "messaging.exchanges.eu.prices.pattern", "pubsub",
            "messaging.exchanges.eu.prices.options.subscriber-buffer", "10",
            "messaging.exchanges.demo-echo.pattern", "request-response"), Map.of());
        assertThat(defs).containsExactly(
            ExchangeDefinition.of("demo-echo", "request-response"),
            new ExchangeDefinition("eu.prices", "pubsub", Map.of("subscriber-buffer", "10")),
            new ExchangeDefinition("orders", "request-response", Map.of("request-timeout", "5s")));
    }

    @Test
    void environmentVariablesOverrideAndAddOptionsOfDeclaredExchangesWhateverTheirName() {
        List<ExchangeDefinition> defs = read(Map.of(
                "messaging.exchanges.demo-echo.pattern", "request-response",
                "messaging.exchanges.demo-echo.options.max-in-flight", "10",
                "messaging.exchanges.eu.prices.pattern", "pubsub"),
            Map.of("MESSAGING_EXCHANGES_DEMO_ECHO_OPTIONS_MAX_IN_FLIGHT", "20",
                "MESSAGING_EXCHANGES_DEMO_ECHO_OPTIONS_REQUEST_TIMEOUT", "3s",
                "MESSAGING_EXCHANGES_EU_PRICES_PATTERN", "sink"));
        assertThat(defs).containsExactly(
            new ExchangeDefinition("demo-echo", "request-response", Map.of("max-in-flight", "20", "request-timeout", "3s")),
            ExchangeDefinition.of("eu.prices", "sink"));
    }

    @Test
    void environmentVariablesAloneDefineNewExchangesWithDashedNames() {
        List<ExchangeDefinition> defs = read(Map.of(), Map.of(
            "MESSAGING_EXCHANGES_BILLING_PATTERN", "tasks",
            "MESSAGING_EXCHANGES_BILLING_OPTIONS_MAX_QUEUED", "7",
            "MESSAGING_EXCHANGES_PRICE_QUOTES_PATTERN", "request-response",
            "MESSAGING_EXCHANGES_PRICE_QUOTES_OPTIONS_REQUEST_TIMEOUT", "2s",
            "PATH", "/usr/bin"));
        assertThat(defs).containsExactly(
            new ExchangeDefinition("billing", "tasks", Map.of("max-queued", "7")),
            new ExchangeDefinition("price-quotes", "request-response", Map.of("request-timeout", "2s")));
    }

    @Test
    void profileSpecificExchangesCountOnlyInTheirProfile() {
        List<ExchangeDefinition> defs = read(Map.of(
            "%test.messaging.exchanges.only-in-test.pattern", "sink",
            "%prod.messaging.exchanges.only-in-prod.pattern", "sink",
            "messaging.exchanges.everywhere.pattern", "pubsub",
            "%test.messaging.exchanges.everywhere.options.subscriber-buffer", "5"), Map.of());
        assertThat(defs).containsExactly(
            new ExchangeDefinition("everywhere", "pubsub", Map.of("subscriber-buffer", "5")),
            ExchangeDefinition.of("only-in-test", "sink"));
    }

    @Test
    void anExchangeWithoutAPatternIsAnErrorNamingTheKeyToSet() {
        assertThatThrownBy(() -> read(Map.of("messaging.exchanges.orders.options.max-in-flight", "3"), Map.of()))
            .hasMessageContaining("'orders' has options but no pattern")
            .hasMessageContaining("messaging.exchanges.orders.pattern");
    }

    @Test
    void aVariableThatNamesNoSettingIsAnError() {
        assertThatThrownBy(() -> read(Map.of(), Map.of("MESSAGING_EXCHANGES_ORDERS", "tasks")))
            .hasMessageContaining("MESSAGING_EXCHANGES_ORDERS names no exchange setting");
    }
}
