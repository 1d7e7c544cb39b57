package dev.messagingnode.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "orders.eu-west.created", "a_b.C9"})
    void acceptsKeys(String key) {
        assertThat(RoutingKeys.validateKey(key)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.*", "#", "a.#.b", "a b", "a/b", "ä", "a.b*"})
    void refusesKeysWithWildcardsOrOtherCharacters(String key) {
        assertThatThrownBy(() -> RoutingKeys.validateKey(key))
            .isInstanceOfSatisfying(MessagingException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "*", "a.*.b", "a.#", "*.*.#"})
    void acceptsPatternsWithWholeWordWildcards(String pattern) {
        assertThat(RoutingKeys.validatePattern(pattern)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*", "a.b#", "**", "a. b"})
    void refusesWildcardsInsideWords(String pattern) {
        assertThatThrownBy(() -> RoutingKeys.validatePattern(pattern)).isInstanceOf(MessagingException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", ".a", "a.", ".", "a.*..b"})
    void refusesEmptyWords(String key) {
        assertThatThrownBy(() -> RoutingKeys.validateKey(key.replace("*", "x"))).isInstanceOfSatisfying(
            MessagingException.class, e -> assertThat(e.detail()).contains("empty word"));
        assertThatThrownBy(() -> RoutingKeys.validatePattern(key)).isInstanceOf(MessagingException.class);
    }

    @Test
    void refusesKeysOver255Characters() {
        assertThatThrownBy(() -> RoutingKeys.validateKey("a".repeat(256))).hasMessageContaining("255");
    }
}
